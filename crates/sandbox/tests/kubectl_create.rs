//! `kubectl create <kind>` sends protobuf bodies for built-in kinds (client-go typed
//! clients never fall back to JSON); the sandbox decodes them. Real kubectl 1.37.

mod common;
use common::Env;
use serde_json::Value;

fn get_json(env: &Env, args: &[&str]) -> Value {
    let mut a = vec!["get"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["-o", "json"]);
    let out = env.kubectl_ok(&a);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("kubectl get {args:?}: {e}: {out}"))
}

#[test]
fn workload_and_service_kinds_created_from_protobuf() {
    let env = Env::start();
    for (args, says) in [
        (
            vec![
                "deployment",
                "web",
                "--image=nginx:1.27",
                "--port=8080",
                "--replicas=2",
            ],
            "deployment.apps/web created",
        ),
        (
            vec!["job", "once", "--image=busybox", "--", "echo", "hi"],
            "job.batch/once created",
        ),
        (
            vec![
                "cronjob",
                "tick",
                "--image=busybox",
                "--schedule=*/5 * * * *",
            ],
            "cronjob.batch/tick created",
        ),
        (
            vec![
                "ingress",
                "ing",
                "--class=nginx",
                "--rule=foo.com/bar*=svc1:8080,tls=my-cert",
            ],
            "ingress.networking.k8s.io/ing created",
        ),
        (
            vec!["service", "clusterip", "svc", "--tcp=80:8080"],
            "service/svc created",
        ),
    ] {
        let mut a = vec!["create"];
        a.extend(args.iter().copied());
        let out = env.kubectl_ok(&a);
        assert!(out.contains(says), "{out}");
    }
    let d = get_json(&env, &["deployment", "web"]);
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["spec"]["selector"]["matchLabels"]["app"], "web");
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "nginx:1.27");
    assert_eq!(c["ports"][0]["containerPort"], 8080);
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    let j = get_json(&env, &["job", "once"]);
    let c = &j["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["command"], serde_json::json!(["echo", "hi"]));
    assert!(c.get("ports").is_none(), "no ports: null added: {c}");
    assert_eq!(j["spec"]["template"]["spec"]["restartPolicy"], "Never");
    let cj = get_json(&env, &["cronjob", "tick"]);
    assert_eq!(cj["spec"]["schedule"], "*/5 * * * *");
    let s = get_json(&env, &["service", "svc"]);
    assert_eq!(s["spec"]["ports"][0]["port"], 80);
    assert_eq!(s["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(s["spec"]["type"], "ClusterIP");
    let ing = get_json(&env, &["ingress", "ing"]);
    assert_eq!(ing["spec"]["ingressClassName"], "nginx");
    let rule = &ing["spec"]["rules"][0];
    assert_eq!(rule["host"], "foo.com");
    let path = &rule["http"]["paths"][0];
    assert_eq!(path["path"], "/bar");
    assert_eq!(path["pathType"], "Prefix");
    assert_eq!(path["backend"]["service"]["port"]["number"], 8080);
    assert_eq!(ing["spec"]["tls"][0]["secretName"], "my-cert");
    // The created Deployment progresses like an applied one.
    let out = env.kubectl_ok(&["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
}

#[test]
fn rbac_policy_and_scheduling_kinds_created_from_protobuf() {
    let env = Env::start();
    for args in [
        vec!["role", "r", "--verb=get,list", "--resource=pods"],
        vec!["rolebinding", "rb", "--role=r", "--user=u"],
        vec!["clusterrole", "cr", "--verb=get", "--resource=nodes"],
        vec![
            "clusterrolebinding",
            "crb",
            "--clusterrole=cr",
            "--serviceaccount=default:sa",
        ],
        vec![
            "poddisruptionbudget",
            "pdb",
            "--selector=app=x",
            "--min-available=50%",
        ],
        vec!["quota", "q", "--hard=pods=2,cpu=1"],
        vec!["priorityclass", "pc", "--value=1000", "--description=high"],
    ] {
        let mut a = vec!["create"];
        a.extend(args.iter().copied());
        let out = env.kubectl_ok(&a);
        assert!(out.contains("created"), "{out}");
    }
    let r = get_json(&env, &["role", "r"]);
    assert_eq!(r["rules"][0]["verbs"], serde_json::json!(["get", "list"]));
    assert_eq!(r["rules"][0]["resources"], serde_json::json!(["pods"]));
    let rb = get_json(&env, &["rolebinding", "rb"]);
    assert_eq!(rb["roleRef"]["name"], "r");
    assert_eq!(rb["subjects"][0]["kind"], "User");
    let crb = get_json(&env, &["clusterrolebinding", "crb"]);
    assert_eq!(crb["subjects"][0]["namespace"], "default");
    let pdb = get_json(&env, &["pdb", "pdb"]);
    assert_eq!(pdb["spec"]["minAvailable"], "50%");
    let q = get_json(&env, &["quota", "q"]);
    assert_eq!(q["spec"]["hard"]["cpu"], "1");
    let pc = get_json(&env, &["priorityclass", "pc"]);
    assert_eq!(pc["value"], 1000);
    assert_eq!(pc["description"], "high");
}
