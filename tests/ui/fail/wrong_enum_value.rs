// `script_language` lists shell, bat, perl, python and powershell.
fn main() {
    let _ = bkapi::jobv3::fast_execute_script::ScriptLanguage::Ruby;
}
