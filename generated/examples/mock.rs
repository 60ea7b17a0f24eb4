//! A mock BlueKing as a process, for clients in any language: every API of `api-docs/` answered with its doc's
//! response example, requests checked against the generated request types (400 names the field).
//!
//! `cargo xtask mock --port 8080` runs this (`cargo run -p bkapi --features full,mock --example mock -- --port
//! 8080`). ESB base URL: `http://127.0.0.1:8080`; gateway URL template: `http://127.0.0.1:8080/api/{api_name}`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.as_slice() {
        [] => 0,
        [flag, port] if flag == "--port" => match port.parse::<u16>() {
            Ok(port) => port,
            Err(e) => {
                eprintln!("mock: --port {port}: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: mock [--port N]   (0 or none: any free port)");
            return ExitCode::FAILURE;
        }
    };
    let mock = match bkapi::mock::start_on(port).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The first line says where; a caller that asked for port 0 reads it.
    println!("mock BlueKing listening on {}", mock.url());
    println!("ESB base URL: {}  gateway URL template: {}", mock.url(), mock.gateway_url_template());
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mock: {e}");
            ExitCode::FAILURE
        }
    }
}
