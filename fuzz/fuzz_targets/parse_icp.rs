//! The ICP parsers on arbitrary bytes: `Icp::from_json` and `Icp::from_toml`
//! must return a value or a typed error, never panic; and any ICP they accept
//! must round-trip (to_json → from_json and to_toml → from_toml give it back
//! equal) and export to SQL in every dialect without panicking.
#![no_main]

use icpfit_core::icp::{Dialect, Icp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [Icp::from_json(text), Icp::from_toml(text)] {
        let Ok(icp) = parsed else { continue };
        let json = icp.to_json().expect("an accepted ICP serializes to JSON");
        let back = Icp::from_json(&json).expect("its JSON reads back");
        assert_eq!(back, icp, "JSON round trip changed the ICP:\n{json}");
        let toml = icp.to_toml().expect("an accepted ICP serializes to TOML");
        let back = Icp::from_toml(&toml).expect("its TOML reads back");
        assert_eq!(back, icp, "TOML round trip changed the ICP:\n{toml}");
        for d in Dialect::ALL {
            // An error is fine (e.g. a NUL in a level); a panic is not.
            let _ = icp.to_sql_query(d, "t");
            let _ = icp.to_sql(d);
        }
    }
});
