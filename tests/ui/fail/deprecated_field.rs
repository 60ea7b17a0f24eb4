// The doc retires `ip_list` ("deprecated，请使用 target_server.iplist替代").
#![deny(deprecated)]

fn main() {
    let mut source = bkapi::job::fast_push_file::FileSource::new(vec![], "root");
    source.ip_list = None;
}
