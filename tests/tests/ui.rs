//! The generated API's shape, proven by the compiler (trybuild): typical use of the seeds' APIs (as the imported docs give them) compiles and
//! runs; a missing required field, a wrong enum value and a deprecated field under `deny(deprecated)` do not
//! compile, with the errors checked in `tests/ui/fail/*.stderr`.

#[test]
fn generated_api_shape() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
