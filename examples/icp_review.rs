fn main() {} // replaced in the next commits
