//! What a call does when the server or the network misbehaves, against a raw TCP server on 127.0.0.1 that
//! answers each connection with bytes the test chooses: a body cut off mid-JSON, a connection reset mid-body, a
//! stall after the headers, a 50 MB body, a body that is not UTF-8, an HTML 502 from a proxy, an empty 200. Each
//! is a typed `Error` that names the API and shows no secret. And 1,000 concurrent calls through one `Client`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bkapi_runtime::{Client, Error};
mod common;
use common::fake::{SECRET, StartThing, TOKEN};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the server answers one request.
#[derive(Clone, Copy)]
enum Answer {
    /// Headers say 100 bytes; 20 come, then the connection closes.
    CutBody,
    /// Part of the body, then a TCP reset.
    Reset,
    /// Headers, then nothing.
    Stall,
    /// 50 MB of JSON, chunked, made while it is sent.
    Huge,
    /// A JSON body with an invalid UTF-8 byte in a string.
    NotUtf8,
    /// A proxy's HTML error page.
    Html502,
    /// 200 with no body at all.
    Empty,
    /// A good answer, after a short pause (to overlap concurrent calls).
    Ok,
}

/// Reads one request's head and body (by its Content-Length).
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut chunk).await else { return false };
        if n == 0 {
            return false;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
    }
}

async fn answer(mut stream: TcpStream, how: Answer) {
    while read_request(&mut stream).await {
        let head =
            |status: &str, more: &str| format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{more}\r\n");
        match how {
            Answer::CutBody => {
                let _ = stream.write_all(head("200 OK", "Content-Length: 100\r\n").as_bytes()).await;
                let _ = stream.write_all(br#"{"result": true, "da"#).await;
                return;
            }
            Answer::Reset => {
                let _ = stream.write_all(head("200 OK", "Content-Length: 100\r\n").as_bytes()).await;
                let _ = stream.write_all(br#"{"result": true, "da"#).await;
                // A zero linger makes the close a TCP reset (it does not block: there is nothing to wait for).
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                return;
            }
            Answer::Stall => {
                let _ = stream.write_all(head("200 OK", "Content-Length: 100\r\n").as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
                return;
            }
            Answer::Huge => {
                let _ = stream.write_all(head("200 OK", "Transfer-Encoding: chunked\r\n").as_bytes()).await;
                let piece = format!("{:x}\r\n{}\r\n", 1 << 20, "x".repeat(1 << 20));
                let _ = stream.write_all(b"6\r\n{\"a\":\"\r\n").await;
                for _ in 0..50 {
                    if stream.write_all(piece.as_bytes()).await.is_err() {
                        return;
                    }
                }
                let _ = stream.write_all(b"2\r\n\"}\r\n0\r\n\r\n").await;
            }
            Answer::NotUtf8 => {
                let body: &[u8] = b"{\"result\": true, \"code\": 0, \"data\": \"caf\xe9\"}";
                let more = format!("Content-Length: {}\r\n", body.len());
                let _ = stream.write_all(head("200 OK", &more).as_bytes()).await;
                let _ = stream.write_all(body).await;
            }
            Answer::Html502 => {
                let body = "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>";
                let more = format!("Content-Length: {}\r\nContent-Type: text/html\r\n", body.len());
                let _ = stream.write_all(head("502 Bad Gateway", &more).as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            }
            Answer::Empty => {
                let _ = stream.write_all(head("200 OK", "Content-Length: 0\r\n").as_bytes()).await;
            }
            Answer::Ok => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let body = json!({"result": true, "code": 0, "data": {"ok": true}}).to_string();
                let more = format!("Content-Length: {}\r\n", body.len());
                let _ = stream.write_all(head("200 OK", &more).as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            }
        }
    }
}

/// A server answering every connection `how`; counts the connections it accepted.
async fn server(how: Answer) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            // Head and body go in two writes: without this, each answer waits for the client's delayed ACK.
            let _ = stream.set_nodelay(true);
            tokio::spawn(answer(stream, how));
        }
    });
    (url, connections)
}

fn client(url: &str) -> bkapi_runtime::ClientBuilder {
    Client::builder().esb_base_url(url).app_code("app").app_secret(SECRET).bk_token(TOKEN)
}

async fn fails(
    how: Answer,
    builder: impl FnOnce(bkapi_runtime::ClientBuilder) -> bkapi_runtime::ClientBuilder,
) -> Error {
    let (url, _) = server(how).await;
    let client = builder(client(&url)).build().unwrap();
    let err = client.call::<StartThing>(json!({"x": 1})).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("test.start_thing"), "the API is named: {text}");
    for secret in [SECRET, TOKEN] {
        assert!(!text.contains(secret), "`{secret}` in {text}");
    }
    err
}

#[tokio::test]
async fn a_body_cut_off_mid_json_is_a_transport_error() {
    let err = fails(Answer::CutBody, |b| b).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error() {
    let err = fails(Answer::Reset, |b| b).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_server_that_stalls_after_its_headers_times_out() {
    let started = std::time::Instant::now();
    let err = fails(Answer::Stall, |b| b.timeout(Duration::from_millis(300))).await;
    let Error::Transport { source, .. } = &err else { panic!("{err:?}") };
    assert!(source.is_timeout(), "{source:?}");
    assert!(err.is_timeout() && err.is_retryable());
    assert!(err.to_string().contains("timed out after 300 ms waiting for http://127.0.0.1:"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "the timeout fired: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_50_mb_body_stops_at_the_limit() {
    let err = fails(Answer::Huge, |b| b).await;
    assert!(matches!(err, Error::BodyTooLarge { limit: bkapi_runtime::DEFAULT_MAX_BODY_SIZE, .. }), "{err:?}");
    let err = fails(Answer::Huge, |b| b.max_body_size(1 << 20)).await;
    assert!(matches!(err, Error::BodyTooLarge { limit: 1_048_576, .. }), "{err:?}");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error() {
    let err = fails(Answer::NotUtf8, |b| b).await;
    let Error::Decode { message, .. } = &err else { panic!("{err:?}") };
    assert!(message.contains("not UTF-8 (invalid byte at offset 40)"), "{message}");
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_an_http_error_with_its_start() {
    let err = fails(Answer::Html502, |b| b).await;
    let Error::Http { status: 502, body, .. } = &err else { panic!("{err:?}") };
    assert!(body.contains("502 Bad Gateway"), "{body}");
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error() {
    let err = fails(Answer::Empty, |b| b).await;
    assert!(matches!(&err, Error::Decode { path, .. } if path == "."), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_client_succeed_over_bounded_connections() {
    let (url, connections) = server(Answer::Ok).await;
    let client = client(&url).max_concurrent_calls(50).build().unwrap();
    let calls = (0..1000).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.call::<StartThing>(json!({"i": i})).await })
    });
    let mut ok = 0;
    for call in calls {
        ok += usize::from(call.await.unwrap().is_ok());
    }
    assert_eq!(ok, 1000);
    let opened = connections.load(Ordering::SeqCst);
    assert!(opened <= 50, "{opened} connections for 1,000 calls with at most 50 at a time");
}
