//! Malformed requests get Status errors with the real codes, never a crash or a hang.

use capstan_sandbox::{serve, Handle, SandboxConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn send(h: &Handle, method: &str, path: &str, ct: &str, body: &[u8]) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(h.addr())
        .await
        .expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write body");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    let code = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_rejected_cleanly() {
    let h = serve(SandboxConfig::default()).await.expect("sandbox");
    let cms = "/api/v1/namespaces/default/configmaps";
    let json = "application/json";
    let cases: Vec<(&str, String, &str, Vec<u8>, u16)> = vec![
        ("POST", cms.into(), json, b"{not json".to_vec(), 400),
        ("POST", cms.into(), json, b"[1,2]".to_vec(), 400),
        (
            "POST",
            cms.into(),
            json,
            "[".repeat(100_000).into_bytes(),
            400,
        ),
        (
            "POST",
            cms.into(),
            json,
            br#"{"metadata":{"name":"Bad_Name"}}"#.to_vec(),
            422,
        ),
        (
            "POST",
            cms.into(),
            json,
            br#"{"metadata":{}}"#.to_vec(),
            422,
        ),
        (
            "POST",
            cms.into(),
            json,
            br#"{"metadata":{"name":"a","namespace":"other"}}"#.to_vec(),
            400,
        ),
        (
            "POST",
            cms.into(),
            json,
            br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"}}"#.to_vec(),
            400,
        ),
        (
            "POST",
            cms.into(),
            "application/vnd.kubernetes.protobuf",
            b"k8s\0\x0a\xff".to_vec(),
            400,
        ),
        (
            "POST",
            "/api/v1/namespaces/default/widgets".into(),
            json,
            b"{}".to_vec(),
            404,
        ),
        ("POST", format!("{cms}/x"), json, b"{}".to_vec(), 405),
        (
            "GET",
            format!("{cms}?labelSelector=a%20b"),
            json,
            vec![],
            400,
        ),
        ("GET", format!("{cms}?continue=%%%"), json, vec![], 400),
        (
            "GET",
            format!("{cms}?watch=1&resourceVersion=abc"),
            json,
            vec![],
            400,
        ),
        ("GET", "/api/v1/nodes/x/y/z/w".into(), json, vec![], 404),
        (
            "PATCH",
            format!("{cms}/missing"),
            "application/merge-patch+json",
            b"{}".to_vec(),
            404,
        ),
        (
            "PATCH",
            format!("{cms}/missing"),
            "text/plain",
            b"{}".to_vec(),
            415,
        ),
        (
            "PATCH",
            format!("{cms}/missing"),
            "application/apply-patch+yaml",
            b"metadata: {name: missing}\n".to_vec(),
            400,
        ),
        (
            "PATCH",
            format!("{cms}/missing?fieldManager=m"),
            "application/apply-patch+yaml",
            b"a: [unclosed".to_vec(),
            400,
        ),
        (
            "PUT",
            format!("{cms}/a"),
            json,
            br#"{"metadata":{"name":"b"}}"#.to_vec(),
            400,
        ),
        (
            "DELETE",
            format!("{cms}/a?propagationPolicy=Sideways"),
            json,
            vec![],
            422,
        ),
        (
            "PUT",
            "/sandbox/faults".into(),
            json,
            b"{\"rules\": 3}".to_vec(),
            400,
        ),
    ];
    for (method, path, ct, body, want) in cases {
        let (code, text) = send(&h, method, &path, ct, &body).await;
        assert_eq!(code, want, "{method} {path}: {text}");
        assert!(
            text.contains("\"kind\":\"Status\""),
            "{method} {path}: {text}"
        );
    }
    // A good object still works afterwards, and bad patches against it fail cleanly.
    let (code, _) = send(
        &h,
        "POST",
        cms,
        json,
        br#"{"metadata":{"name":"a"},"data":{"k":"v"}}"#,
    )
    .await;
    assert_eq!(code, 201);
    let (code, text) = send(
        &h,
        "PATCH",
        &format!("{cms}/a"),
        "application/json-patch+json",
        br#"[{"op":"remove","path":"/nope"}]"#,
    )
    .await;
    assert_eq!(code, 422, "{text}");
    let (code, text) = send(
        &h,
        "PATCH",
        &format!("{cms}/a"),
        "application/json-patch+json",
        br#"[{"op":"frobnicate","path":"/data"}]"#,
    )
    .await;
    assert_eq!(code, 400, "{text}");
    let (code, text) = send(
        &h,
        "PATCH",
        &format!("{cms}/a"),
        "application/merge-patch+json",
        br#"{"metadata":{"resourceVersion":"1"},"data":{"k":"w"}}"#,
    )
    .await;
    assert_eq!(code, 409, "{text}");
    let (code, _) = send(
        &h,
        "DELETE",
        "/api/v1/namespaces/default/pods/nope/log",
        json,
        &[],
    )
    .await;
    assert!(code == 404 || code == 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_ownership_chain_is_collected_without_recursion() {
    let h = serve(SandboxConfig::default()).await.expect("sandbox");
    let cms = "/api/v1/namespaces/default/configmaps";
    let mut owner: Option<String> = None;
    const N: usize = 1500;
    for i in 0..N {
        let mut obj = serde_json::json!({"metadata": {"name": format!("c{i}")}});
        if let Some(u) = &owner {
            obj["metadata"]["ownerReferences"] = serde_json::json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": format!("c{}", i - 1), "uid": u}]);
        }
        let (code, text) = send(
            &h,
            "POST",
            cms,
            "application/json",
            obj.to_string().as_bytes(),
        )
        .await;
        assert_eq!(code, 201, "{text}");
        let body = text.split("\r\n\r\n").nth(1).expect("body");
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        owner = v["metadata"]["uid"].as_str().map(String::from);
    }
    let (code, _) = send(&h, "DELETE", &format!("{cms}/c0"), "application/json", b"").await;
    assert_eq!(code, 200);
    let (code, text) = send(
        &h,
        "GET",
        &format!("{cms}?limit=1"),
        "application/json",
        b"",
    )
    .await;
    assert_eq!(code, 200);
    assert!(
        text.contains("\"items\":[]"),
        "everything in the chain is collected: {}",
        &text[..text.len().min(400)]
    );
}
