fn main() {} // replaced by the real bench in the next commits
