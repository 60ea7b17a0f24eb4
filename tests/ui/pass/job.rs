// JOB (v2) file push: nested required structs.
use bkapi::job::FastPushFileRequest;
use bkapi::job::fast_push_file::FileSource;

fn main() {
    let source = FileSource::new(vec!["/tmp/a.txt".into()], "root");
    let request = FastPushFileRequest::new(2, "root", "/tmp/", vec![source]);
    assert_eq!(serde_json::to_value(&request).unwrap()["file_target_path"], "/tmp/");
}
