//! The runtime's response decoding on arbitrary bodies, for generated endpoints of both flavors' shapes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    let _ = bkapi::decode_response::<bkapi::jobv3::endpoints::GetJobInstanceStatus>(body);
    let _ = bkapi::decode_response::<bkapi::jobv3::endpoints::FastExecuteScript>(body);
    let _ = bkapi::decode_response::<bkapi::cc::endpoints::SearchBusiness>(body);
});
