//! Helm's functions on edge inputs, against the real helm 4.3.1 (`.tools/helm`).
//!
//! Each case is the text of `templates/t.yaml` in a chart named `c`. The chart is rendered by
//! `helm template r DIR` and by our `template` pipeline (chart loader, engine, output
//! assembly); stdout must be byte-identical, or both must fail with the same `Error: ` text.
//! Cases are grouped per function family so a failure names what differs.

use std::path::{Path, PathBuf};
use std::process::Command;

use capstan_render::template::{template, TemplateRequest};

fn helm() -> PathBuf {
    let tools = std::env::var_os("CAPSTAN_REFERENCE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools"));
    let helm = tools.join("helm");
    assert!(
        helm.exists(),
        "the reference helm is missing at {}: run scripts/get-reference-tools .tools to install it",
        helm.display()
    );
    helm
}

/// What a `helm template` run ends with: its stdout, or the text after `Error: `.
#[derive(Debug, PartialEq)]
enum Outcome {
    Ok(String),
    Err(String),
}

fn write_chart(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/t.yaml"), text).unwrap();
    std::fs::write(dir.join("templates/_h.tpl"), HELPERS).unwrap();
    // Non-template files for `.Files` cases.
    std::fs::create_dir_all(dir.join("files/nested")).unwrap();
    std::fs::write(dir.join("files/a.txt"), "line1\nline2\n\nlast").unwrap();
    std::fs::write(dir.join("files/b.conf"), "k: v\n").unwrap();
    std::fs::write(dir.join("files/nested/c.txt"), "").unwrap();
    std::fs::write(dir.join("files/bin.dat"), [0xffu8, 0, 1, b'\n']).unwrap();
}

fn helm_outcome(dir: &Path) -> Outcome {
    let out = Command::new(helm())
        .arg("template")
        .arg("r")
        .arg(dir)
        .output()
        .expect("run helm");
    if out.status.success() {
        return Outcome::Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let msg = match stderr.find("Error: ") {
        Some(i) => stderr[i + "Error: ".len()..]
            .trim_end_matches('\n')
            .to_string(),
        None => stderr.into_owned(),
    };
    Outcome::Err(msg)
}

fn our_outcome(dir: &Path) -> Outcome {
    let chart = capstan_chart::loader::load_dir(dir).expect("load scratch chart");
    let req = TemplateRequest {
        release_name: "r".into(),
        namespace: "default".into(),
        ..Default::default()
    };
    match template(chart, &Default::default(), &req) {
        Ok(out) => Outcome::Ok(out.stdout),
        Err(e) => Outcome::Err(e.message),
    }
}

/// Renders every case with both and reports all differences at once.
fn check(family: &str, cases: &[&str]) {
    check_cases(family, cases, false);
}

/// [`check`] for cases that must render (a typo in a case must not pass as "both failed").
fn check_ok(family: &str, cases: &[&str]) {
    check_cases(family, cases, true);
}

fn check_cases(family: &str, cases: &[&str], must_render: bool) {
    let base = std::env::temp_dir().join(format!("capstan-fvh-{family}-{}", std::process::id()));
    let mut diffs = Vec::new();
    for (i, text) in cases.iter().enumerate() {
        let dir = base.join(i.to_string());
        write_chart(&dir, text);
        let want = helm_outcome(&dir);
        let got = our_outcome(&dir);
        if must_render {
            assert!(
                matches!(want, Outcome::Ok(_)),
                "{family} case {i} fails in helm: {want:?}\n{text}"
            );
        }
        if want != got {
            diffs.push(format!(
                "case {i}: {text}\n  helm: {want:?}\n  ours: {got:?}"
            ));
        }
    }
    std::fs::remove_dir_all(&base).ok();
    assert!(
        diffs.is_empty(),
        "{} of {} {family} cases differ from helm 4.3.1:\n{}",
        diffs.len(),
        cases.len(),
        diffs.join("\n")
    );
}

#[test]
fn to_yaml_pretty_matches_helm() {
    check_ok(
        "toYamlPretty",
        &[
            // Maps: key order, nested lists indented under keys, quoting, empties, numbers.
            r#"{{ toYamlPretty (dict "b" (list 1 2 (list 3 4) (dict "x" 1 "a" "yes")) "a" "multi\nline\n" "e" (list) "f" (dict) "n" nil "fl" 1.5 "big" 1000000.0 "s" "1.0" "t" true "str" "- a" "k" ":x") }}"#,
            // Strings: tabs, leading spaces, trailing spaces, indicators, non-BMP, YAML 1.1
            // words and numbers, keep-chomping.
            "x:\n{{ toYamlPretty (list \"a\\tb\" \"x\\ny\\t\" \" lead\\nx\" \"tr \\nx\" \"a: b\" \"#x\" \"é☃😀\" \"\" \"~\" \"null\" \"0x1F\" \"1_000\" \"12:30\" \"on\" \".5\" \"+1\" \"1e3\" \"2024-01-01\" \"<<\" \"=\" \"a\\n\\nb\\n\\n\") | indent 2 }}",
            // Nested sequences and maps in sequences.
            "y:\n{{ toYamlPretty (list (list (list 1)) (dict) (list (dict \"a\" (list 1 2)))) | indent 2 }}",
            // Deep maps, a multi-line key (explicit `?` form), a long line (not folded).
            "z:\n{{ toYamlPretty (dict \"a\" (dict \"b\" (dict \"c\" (list \"x\" (dict \"d\" 1 \"e\" (list))))) \"k\\nl\" 1 \"long\" (repeat 60 \"ab \")) | indent 2 }}",
            // Scalars at the root, special floats, big integers.
            "a: {{ toYamlPretty 1 }}\nb: {{ toYamlPretty 2.5 }}\nc: {{ toYamlPretty \"s\" }}\nd: {{ toYamlPretty nil }}\ne: {{ toYamlPretty (list) }}\nf: {{ toYamlPretty (dict) }}\ng: {{ toYamlPretty (int64 \"9223372036854775807\") }}\nh: {{ toYamlPretty (float64 \"1e21\") }}\n# i: {{ toYamlPretty (float64 \"+Inf\") }} {{ toYamlPretty (float64 \"-Inf\") }}\n# j: {{ toYamlPretty (float64 \"NaN\") }}\nk: {{ toYamlPretty true }}",
            // Values from the chart, time values, typed slices, natural key order.
            "v: |\n{{ toYamlPretty (dict \"a10\" 1 \"a9\" 2 \"a1b\" 3 \"a1.\" 4 \"A\" 5 \"_\" 6 \"1\" 7) | indent 2 }}\nt: {{ toYamlPretty (toDate \"2006-01-02\" \"2024-02-29\") }}\ns:\n{{ toYamlPretty (splitList \",\" \"a,b\") | indent 2 }}",
            // A literal block at the root, a key needing quotes.
            "l: |\n{{ toYamlPretty \"first\\nsecond\" | indent 2 }}\nq:\n{{ toYamlPretty (dict \"yes\" \"no\" \"\" \"empty\" \"a b\" \"c\") | indent 2 }}",
        ],
    );
}

#[test]
fn manifest_parse_errors_match_helm() {
    check(
        "manifest",
        &[
            "a: {{ toYamlPretty (float64 \"+Inf\") }}",
            "a: {{ toYamlPretty (float64 \"NaN\") }}",
            // (A syntax error such as `a: b\nc` is worded by the YAML parser of
            // capstan-chart: `simple key expect ':'` where go-yaml says `could not find
            // expected ':'`; see docs/render.md.)
            "a: [1\n",
            "- 1\n- 2\n",
            "~: 1\n",
        ],
    );
}

#[test]
fn date_arguments_match_helm() {
    check(
        "dates",
        &[
            r#"a: {{ unixEpoch "x" }}"#,
            r#"a: {{ unixEpoch 5 }}"#,
            r#"a: {{ unixEpoch nil }}"#,
            r#"{{ $x := "x" }}a: {{ unixEpoch $x }}"#,
            r#"a: {{ "x" | unixEpoch }}"#,
            r#"a: {{ unixEpoch (toDate "2006-01-02" "2024-02-29") }}"#,
            r#"a: {{ dateModify "1h" "x" }}"#,
            r#"a: {{ dateModify "bogus" (toDate "2006-01-02" "2024-01-01") | unixEpoch }}"#,
            r#"a: {{ mustDateModify "bogus" (toDate "2006-01-02" "2024-01-01") | unixEpoch }}"#,
            r#"a: {{ mustDateModify "" (toDate "2006-01-02" "2024-01-01") | unixEpoch }}"#,
            r#"a: {{ dateModify "-1.5h" (toDate "2006-01-02" "2024-01-01") | date "2006-01-02T15:04" }}"#,
            r#"a: {{ dateModify "99999999h" (toDate "2006-01-02" "2024-01-01") | unixEpoch }}"#,
            r#"a: {{ date_modify "2h" (toDate "2006-01-02" "2024-01-01") | unixEpoch }}"#,
        ],
    );
}

#[test]
fn from_toml_dates_match_helm() {
    let doc = r#"a = 1979-05-27T07:32:00Z\nb = 1979-05-27\nc = 07:32:00\nd = 1979-05-27T07:32:00\ne = 1979-05-27T00:32:00.999999-07:00\nf = 07:32:00.5\ng = 1979-05-27 07:32:00+01:30\nh = [1979-05-27]\ni = 1979-05-27T07:32Z\nj = 07:32\nk = 1979-05-27T07:32:00+00:00\nl = 1979-05-27T07:32:00.123456789123Z"#;
    let each = format!(
        "{{{{ $t := fromToml \"{doc}\" }}}}\n# json: {{{{ toJson $t }}}}\n{{{{ range $k, $v := $t }}}}\n# {{{{ $k }}}}: {{{{ typeOf $v }}}} | {{{{ printf \"%v\" $v }}}} | {{{{ kindOf $v }}}} | {{{{ $v | date \"2006-01-02 MST\" }}}}\n{{{{ end }}}}\n"
    );
    let methods = format!(
        "{{{{ $t := fromToml \"{doc}\" }}}}{{{{ $x := index $t \"c\" }}}}\n# {{{{ $x.Year }}}} {{{{ $x.String }}}} {{{{ $x.UTC }}}} {{{{ unixEpoch $x }}}} {{{{ dateModify \"1h\" $x }}}} {{{{ $x.Format \"15:04 MST\" }}}}\n# {{{{ toToml (dict \"x\" (dateModify \"1h\" $x)) | printf \"%q\" }}}}\n"
    );
    let codecs = format!(
        "{{{{ $t := fromToml \"{doc}\" }}}}\nyaml: |\n{{{{ toYaml $t | indent 2 }}}}\npretty: |\n{{{{ toYamlPretty $t | indent 2 }}}}\ntoml: |\n{{{{ toToml $t | indent 2 }}}}\n"
    );
    check_ok("fromToml", &[&each, &methods, &codecs]);
}

/// Writes `_h.tpl` helpers next to the case (for `include` and `tpl` cases).
const HELPERS: &str = r#"{{ define "h" }}{{ .Template.Name }}{{ end }}{{ define "rec" }}{{ include "rec" . }}{{ end }}{{ define "req" }}{{ required "inner value needed" .nope }}{{ end }}{{ define "f" }}{{ fail "inner failure" }}{{ end }}"#;

#[test]
fn tpl_include_required_fail_match_helm() {
    check(
        "tpl",
        &[
            "# {{ tpl \"{{ .Template.Name }}|{{ .Template.BasePath }}\" . }}",
            "# {{ tpl \"{{ .Template.Name }}\" (dict \"x\" 1) }}",
            "# {{ tpl \"{{ .x }}\" (dict \"x\" 1) }}",
            "# {{ tpl \"{{ .Values }}\" .Values }}",
            "# {{ tpl \"{{ include \\\"h\\\" . }}\" . }}",
            "# {{ tpl \"{{ define \\\"x\\\" }}X{{ end }}{{ include \\\"x\\\" . }}\" . }} {{ include \"h\" . }}",
            "# {{ tpl \"{{ .Release.Name }} {{ .Chart.Name }}\" . }}",
            "# {{ tpl \"{{ fail \\\"boom\\\" }}\" . }}",
            "# {{ tpl \"{{ required \\\"need it\\\" .nope }}\" . }}",
            "# {{ tpl \"{{ .Values.a.b }}\" . }}",
            "# {{ tpl \"{{ bad\" . }}",
            "# {{ tpl 5 . }}",
            "# {{ include \"rec\" . }}",
            "# {{ include \"missing\" . }}",
            "# {{ include \"req\" . }}",
            "# {{ include \"f\" . }}",
            "# {{ required \"value x is required\" .Values.x }}",
            "# {{ required \"\" nil }}",
            "# {{ required \"m\" \"\" }}",
            "# {{ required \"m\" 0 }} {{ required \"m\" false }} {{ required \"m\" (list) }}",
            "# {{ fail \"stop here\" }}",
            "# {{ fail \"\" }}",
            "a: 1\n# {{ .Values.nope.deeper }}",
        ],
    );
}

#[test]
fn conversions_and_to_yaml_floats_match_helm() {
    check(
        "numbers",
        &[
            "# {{ int 1e20 }} {{ int -1e20 }} {{ int 3.9 }} {{ int -3.9 }} {{ int \"1e3\" }} {{ int64 1e19 }} {{ int 9.223372036854775807e18 }} {{ float64 \"1e400\" }}",
            "# {{ int \"9223372036854775808\" }} {{ int64 \"0x10\" }} {{ int \"010\" }} {{ int \" 5\" }} {{ atoi \"1e3\" }} {{ int64 \"-9223372036854775809\" }}",
            "# {{ int (float64 \"NaN\") }} {{ int (float64 \"+Inf\") }} {{ int64 (float64 \"-Inf\") }} {{ int 1.8446744073709552e19 }} {{ toString 1e20 }} {{ int64 \"1.5\" }}",
            "# {{ toDecimal \"0777\" }} {{ toDecimal \"8\" }} {{ float64 \"0x1p-2\" }} {{ float64 \"1_000.5\" }} {{ int \"1_000\" }}",
            "# {{ toYaml (float64 \"+Inf\") }} {{ toYaml (float64 \"NaN\") | quote }} {{ toYaml (list 1.5 (float64 \"-Inf\")) | quote }}",
            "# {{ mustToYaml (float64 \"NaN\") }}",
            "# {{ toJson (float64 \"NaN\") | quote }} {{ toJson (dict \"a\" (float64 \"+Inf\")) | quote }}",
            "# {{ mustToJson (float64 \"+Inf\") }}",
            "# {{ toYaml (dict \"a\" 1e21 \"b\" 1e20 \"c\" 0.000001 \"d\" 1e-7 \"e\" -0.0 \"f\" 123456789.0) | quote }}",
            "# {{ toYamlPretty (dict \"a\" 1e21 \"b\" 1e20 \"c\" 0.000001 \"d\" 1e-7 \"e\" -0.0 \"f\" 123456789.0) | quote }}",
            "# {{ add 1 2.5 }} {{ addf 1 2.5 }} {{ div 7 2 }} {{ mod -7 3 }} {{ max 1 2.5 }} {{ floor \"3.7\" }} {{ round 2.5 0 }} {{ round -2.5 0 }}",
        ],
    );
}

#[test]
fn semver_matches_helm() {
    check(
        "semver",
        &[
            "# {{ semverCompare \">=1.2.0\" \"1.3.0-beta.1\" }} {{ semverCompare \">=1.2.0-0\" \"1.3.0-beta.1\" }} {{ semverCompare \"^1.2.0-alpha\" \"1.2.0-beta\" }} {{ semverCompare \"~1.2.3-alpha\" \"1.2.4-beta\" }}",
            "# {{ semverCompare \"1.2.3-alpha\" \"1.2.3-alpha\" }} {{ semverCompare \"<1.3.0\" \"1.3.0-rc.1\" }} {{ semverCompare \">1.0.0-alpha <2.0.0\" \"1.5.0-rc\" }} {{ semverCompare \"*\" \"1.0.0-rc\" }} {{ semverCompare \">=0.0.0-0\" \"1.0.0-rc\" }}",
            "# {{ semverCompare \">= 1.2, < 2 || 3.x\" \"3.1.0\" }} {{ semverCompare \"1.2 - 1.4.5\" \"1.4.5\" }} {{ semverCompare \"!=1.2.3\" \"1.2.3-beta\" }} {{ semverCompare \"=1.2.3-beta\" \"v1.2.3-beta\" }}",
            "# {{ semverCompare \">1.2.3-beta.2\" \"1.2.3-beta.10\" }} {{ semverCompare \">1.2.3-beta.a\" \"1.2.3-beta.1\" }} {{ semverCompare \"<1.2.3\" \"1.2.3-0\" }} {{ semverCompare \"^0.0.1-alpha\" \"0.0.1\" }}",
            "# {{ semverCompare \">=1.22.0-0\" \"v1.31.0-eks-1234\" }} {{ semverCompare \">=1.22.0\" \"v1.31.0-gke.100\" }} {{ semverCompare \"~1.31.0-0\" .Capabilities.KubeVersion.Version }}",
            "# {{ semverCompare \"bad constraint\" \"1.0.0\" }}",
            "# {{ semverCompare \">1.0\" \"not.a.version\" }}",
            "# {{ semver \"1.2.3-beta.1+build\" | toJson }} {{ (semver \"v1.2\").Major }} {{ (semver \"1.2.3-rc.1\").Prerelease }}",
            "# {{ (semver \"1.2.3\").Compare (semver \"1.2.3-alpha\") }} {{ semver \"bad\" }}",
        ],
    );
}

#[test]
fn date_modify_and_url_parse_match_helm() {
    check(
        "urls",
        &[
            "# {{ urlParse \"http://user:pa ss@host:80/p/a?x=1#f\" | toJson }}",
            "# {{ urlParse \"mailto:a@b.c\" | toJson }}",
            "# {{ urlParse \"//host/path\" | toJson }}",
            "# {{ urlParse \"/rel?q\" | toJson }}",
            "# {{ urlParse \"http://[::1]:8080/x%20y?a=%zz\" | toJson }}",
            "# {{ urlParse \"\" | toJson }}",
            "# {{ urlParse \"http://a b.com/\" | toJson }}",
            "# {{ urlParse \"http://h/%zz\" | toJson }}",
            "# {{ urlParse \":nope\" | toJson }}",
            "# {{ urlParse \"HTTP://Host.COM/a/../b?#\" | toJson }}",
            "# {{ urlParse \"http://u@h:p/\" | toJson }}",
            "# {{ urlParse \"http://%41:%42@h/\" | toJson }}",
            "# {{ urlJoin (dict \"scheme\" \"https\" \"host\" \"h:1\" \"path\" \"/a b\" \"query\" \"x=1 2\" \"fragment\" \"f g\" \"userinfo\" \"u:p\") }}",
            "# {{ urlJoin (dict \"host\" \"h\" \"path\" \"p\") }} {{ urlJoin (dict \"scheme\" \"mailto\" \"opaque\" \"a@b\") }} {{ urlJoin (dict) }}",
            "# {{ dateModify \"1h\" \"x\" }}",
            "# {{ dateModify \"\" (toDate \"2006-01-02\" \"2024-01-01\") }}",
            "# {{ dateModify \"+-1h\" (toDate \"2006-01-02\" \"2024-01-01\") }} {{ dateModify \"1h2\" (toDate \"2006-01-02\" \"2024-01-01\") }} {{ dateModify \".5h\" (toDate \"2006-01-02\" \"2024-01-01\") }} {{ dateModify \"1µs\" (toDate \"2006-01-02\" \"2024-01-01\") }}",
            "# {{ mustDateModify \"9999999999h\" (toDate \"2006-01-02\" \"2024-01-01\") }}",
            "# {{ mustDateModify \"1d\" (toDate \"2006-01-02\" \"2024-01-01\") }}",
        ],
    );
}

#[test]
fn url_parse_edges_match_helm() {
    check(
        "urlParse",
        &[
            "# {{ urlParse \"http://us!er:p%3Ass@h/\" | toJson }}",
            "# {{ urlParse \"http://h/a#b%zz\" | toJson }}",
            "# {{ urlParse \"http://[::1\" | toJson }}",
            "# {{ urlParse \"http://[::1]x/\" | toJson }}",
            "# {{ urlParse \"http://[fe80::1%25en0]:8080/\" | toJson }}",
            "# {{ urlParse \"http://h%2F/\" | toJson }}",
            "# {{ urlParse \"http://h%C3%A9/\" | toJson }}",
            "# {{ urlParse \"a:b/c\" | toJson }} {{ urlParse \"*\" | toJson }}",
            "# {{ urlParse \"x/a:b\" | toJson }}",
            "# {{ urlParse \"a/b:c\" | toJson }}",
            "# {{ urlParse \"1http://h\" | toJson }}",
            "# {{ urlParse \"http:///p\" | toJson }} {{ urlParse \"///p\" | toJson }}",
            "# {{ urlParse \"http://h?\" | toJson }} {{ urlParse \"http://h??\" | toJson }}",
            "# {{ urlParse \"http://h/\\tx\" | toJson }}",
            "# {{ urlParse \"http://h:/\" | toJson }}",
        ],
    );
}

#[test]
fn semver_methods_match_helm() {
    check(
        "semverMethods",
        &[
            "# {{ $v := semver \"1.2.3-rc.1+b\" }}{{ $w := semver \"1.2.3\" }}{{ $v.Compare $w }} {{ $w.Compare $v }} {{ $v.Compare $v }} {{ $v.LessThan $w }} {{ $v.GreaterThan $w }} {{ $v.Equal $w }} {{ $v.Equal (semver \"1.2.3-rc.1\") }}",
            "# {{ $v := semver \"1.2.3-rc.1+b\" }}{{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ typeOf $v.IncPatch }} {{ (semver \"1.2.3\").IncPatch }} {{ ($v.SetPrerelease \"x\") }} {{ $v.SetMetadata \"m\" }} {{ kindOf $v.IncPatch }}",
            "# {{ $v := semver \"v1.2\" }}{{ $v.Original }} {{ $v }} {{ $v.LessThanEqual $v }} {{ $v.GreaterThanEqual $v }} {{ ($v.SetPrerelease \"a\").String }} {{ $v.IncMajor.Major }}",
            "# {{ $v := semver \"1.2.3\" }}{{ $v.SetPrerelease \"bad..x\" }}",
            "# {{ $v := semver \"1.2.3\" }}{{ $v.SetMetadata \"a_b\" }}",
            "# {{ (semver \"1.2.3\").IncPatch.Original }}",
            "# {{ (semver \"1.2.3\").Compare \"1.2.3\" }}",
            "# {{ (semver \"1.2.3\").Compare (semver \"1.0.0\").IncPatch }}",
            "# {{ (semver \"1.2.3\").Compare }}",
            "# {{ (semver \"1.2.3\") | toJson }} {{ (semver \"1.2.3\").IncMinor | toJson }}",
        ],
    );
}

#[test]
fn objects_through_converters_match_helm() {
    check(
        "objects",
        &[
            "kv: |\n{{ toYamlPretty .Capabilities.KubeVersion | indent 2 }}",
            "caps: |\n{{ toYamlPretty .Capabilities | indent 2 }}",
            "rel: |\n{{ toYamlPretty .Release | indent 2 }}",
            "chart: |\n{{ toYamlPretty .Chart | indent 2 }}",
            "tmpl: |\n{{ toYamlPretty .Template | indent 2 }}",
            "files: |\n{{ toYamlPretty .Files | indent 2 }}",
            "sv: |\n{{ toYamlPretty (semver \"1.2.3\") | indent 2 }}",
            "vals: |\n{{ toYamlPretty .Values | indent 2 }}",
            "lk: |\n{{ toYamlPretty (lookup \"v1\" \"Pod\" \"\" \"\") | indent 2 }} {{ typeOf (lookup \"v1\" \"Pod\" \"\" \"\") }}",
            "caps: |\n{{ toYaml .Capabilities | indent 2 }}",
            "caps: |\n{{ toJson .Capabilities | indent 2 }}\nkv: {{ toJson .Capabilities.KubeVersion }}\nhv: {{ toJson .Capabilities.HelmVersion }}\nc: {{ toPrettyJson .Capabilities.KubeVersion | quote }}",
            "caps: |\n{{ toToml .Capabilities | indent 2 }}",
            "c: |\n{{ toYamlPretty (genCA \"x\" 1) | regexReplaceAll \"(?s)-----BEGIN.*?-----END [A-Z ]+-----\" \"PEM\" | indent 2 }}",
            "caps: |\n{{ toToml .Capabilities.KubeVersion | indent 2 }}",
            "d: |\n{{ toYamlPretty (duration 90) | indent 2 }} {{ toYamlPretty (list (b64dec \"aGk=\") (toStrings (list 1 nil \"a\"))) | indent 2 }}",
            "g: {{ getHostByName \"localhost\" | quote }}",
        ],
    );
}

#[test]
fn misc_edges_match_helm() {
    check(
        "misc",
        &[
            "# {{ b64dec \"aGk\" }} {{ b64dec \"!!\" | quote }} {{ b32dec \"NBUQ====\" }} {{ b32dec \"x\" | quote }}",
            "# {{ regexReplaceAll \"(a)(?P<n>b)\" \"xaby\" \"${n}$1$$\" }} {{ regexReplaceAllLiteral \"a\" \"aa\" \"$1\" }} {{ regexSplit \"a\" \"babab\" -1 | toJson }} {{ regexFindAll \"a.\" \"a1a2a3\" 2 | toJson }}",
            "# {{ regexMatch \"[\" \"x\" }}",
            "# {{ mustRegexMatch \"[\" \"x\" }}",
            "# {{ split \"\" \"\" | toJson }} {{ splitn \",\" 0 \"a,b\" | toJson }} {{ splitList \"\" \"abc\" | toJson }} {{ _1 }}",
            "# {{ dig \"a\" \"b\" \"def\" (dict \"a\" (dict \"b\" nil)) }} {{ dig \"a\" \"x\" (dict \"a\" 1) }}",
            "# {{ dig \"a\" \"x\" (dict \"a\" (list 1)) }}",
            "# {{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" nil) | toJson }} {{ pick (dict \"a\" 1 \"b\" 2) \"b\" \"z\" | toJson }} {{ omit (dict \"a\" 1) \"a\" | toJson }}",
            "# {{ merge (dict \"a\" (dict \"x\" 1)) (dict \"a\" (dict \"y\" 2) \"b\" nil) | toJson }} {{ mergeOverwrite (dict \"a\" 1 \"b\" (dict \"c\" 1)) (dict \"a\" nil \"b\" (dict \"c\" nil)) | toJson }}",
            "# {{ uniq (list 1 1.0 \"1\" nil nil) | toJson }} {{ without (list 1 2 nil) nil | toJson }} {{ has nil (list nil) }} {{ compact (list 0 \"\" nil false (list) 1) | toJson }}",
            "# {{ first (list) }} {{ last (list) }} {{ rest (list) | toJson }} {{ initial (list) | toJson }} {{ first nil }}",
            "# {{ slice (list 1 2 3) 1 }} {{ slice (list 1 2 3) 1 2 }} {{ slice \"abc\" 1 }}",
            "# {{ slice (list 1 2 3) 2 1 }}",
            "# {{ ternary 1 2 nil }} {{ coalesce nil \"\" 0 (list) }} {{ empty (dict) }} {{ empty 0.0 }} {{ default \"d\" (list) }}",
            "# {{ toString (list 1 \"a\" nil) }} {{ toString (dict \"a\" 1) }} {{ toStrings (list 1 nil 2.5 true) | toJson }} {{ toString nil }}",
            "# {{ printf \"%v %T\" (list) (dict) }} {{ kindOf nil }} {{ typeOf nil }} {{ kindIs \"invalid\" nil }} {{ typeIsLike \"string\" \"x\" }}",
            "# {{ sha256sum \"\" }} {{ adler32sum \"abc\" }} {{ htmlDate 0 }} {{ date \"2006\" 0 }}",
            "# {{ duration \"90\" }} {{ duration 3661 }} {{ durationRound \"3h10m\" }} {{ durationRound 100000000 }} {{ duration \"x\" }} {{ durationRound (duration 1) }}",
            "# {{ wrap 5 \"aaaa bbbb cccc\" }} {{ wrapWith 3 \"|\" \"ab cd\" }} {{ abbrev 3 \"abcdef\" }} {{ trunc -2 \"abcd\" }} {{ substr 2 1 \"abc\" }}",
            "# {{ indent -1 \"a\" }}",
            "# {{ nindent 2 \"a\\n\\nb\" }} {{ indent 2 \"\" | quote }}",
            "# {{ list 1 2 | join 5 }} {{ join \",\" (list 1 nil \"a\") }} {{ join \",\" \"abc\" }} {{ sortAlpha (list \"b\" 1 \"a\") | toJson }}",
            "# {{ atoi \"\" }} {{ int \"\" }} {{ float64 \"\" }} {{ int64 nil }} {{ int true }} {{ toDecimal \"x\" }}",
            "# {{ max }} ",
            "# {{ min 1 }} {{ maxf 1 \"2.5\" }} {{ minf }} {{ ceil \"x\" }} {{ round \"1.55\" 1 }} {{ div 1 0 }}",
        ],
    );
}

#[test]
fn files_match_helm() {
    check(
        "files",
        &[
            "# {{ .Files.Get \"files/a.txt\" | quote }} {{ .Files.Get \"nope\" | quote }} {{ .Files.GetBytes \"files/bin.dat\" | toJson }}",
            "# {{ .Files.Lines \"files/a.txt\" | toJson }} {{ .Files.Lines \"nope\" | toJson }} {{ .Files.Lines \"files/nested/c.txt\" | toJson }}",
            "# {{ range $p, $_ := .Files.Glob \"files/*\" }}{{ $p }} {{ end }}|{{ range $p, $_ := .Files.Glob \"files/**\" }}{{ $p }} {{ end }}|{{ range $p, $_ := .Files.Glob \"**.txt\" }}{{ $p }} {{ end }}",
            "a: |\n{{ (.Files.Glob \"files/*.{txt,conf}\").AsConfig | indent 2 }}\nb: |\n{{ (.Files.Glob \"files/*\").AsSecrets | indent 2 }}",
            "# {{ .Files.Glob \"[\" | toJson }}",
            "# {{ typeOf .Files }} {{ typeOf (.Files.Glob \"*\") }} {{ typeOf (.Files.GetBytes \"x\") }} {{ len .Files }}",
            "a: |\n{{ .Files.AsConfig | indent 2 }}",
            "# {{ .Files.Get }}",
            "# {{ .Files.Get 1 }}",
            "# {{ .Files.Get \"a\" \"b\" }}",
            "# {{ .Files.AsConfig 1 }}",
            "# {{ .Files.Glob nil }}",
            "# {{ .Capabilities.APIVersions.Has 1 }}",
            "# {{ .Capabilities.APIVersions.Has }}",
            "# {{ .Capabilities.APIVersions.Has \"v1\" }} {{ .Capabilities.KubeVersion.String }} {{ .Capabilities.KubeVersion.GitVersion }}",
            "# {{ .Capabilities.KubeVersion.String 1 }}",
            "# {{ (toDate \"2006\" \"2020\").Format 1 }}",
            "# {{ (toDate \"2006\" \"2020\").Format \"2006\" \"x\" }}",
            "# {{ (toDate \"2006\" \"2020\").Unix 1 }}",
            "# {{ (toDate \"2006\" \"2020\").Format \"2006\" }} {{ (toDate \"2006\" \"2020\").Unix }}",
        ],
    );
}

/// Renders a chart made of `files` (path, text) with helm and with ours.
fn check_chart(name: &str, files: &[(&str, &str)]) {
    let dir = std::env::temp_dir().join(format!("capstan-fvh-{name}-{}", std::process::id()));
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let want = helm_outcome(&dir);
    let got = our_outcome(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        matches!(want, Outcome::Ok(_)),
        "{name} fails in helm: {want:?}"
    );
    assert_eq!(
        want, got,
        "{name}: helm 4.3.1 (left) and capstan (right) differ"
    );
}

#[test]
fn tpl_and_include_in_subcharts_match_helm() {
    let chart = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
    let sub = "apiVersion: v2\nname: sub\nversion: 0.2.0\n";
    check_chart(
        "subtpl",
        &[
            ("Chart.yaml", chart),
            ("values.yaml", "t: \"{{ .Template.Name }} {{ .Template.BasePath }} {{ .Chart.Name }}\"\nsub:\n  t: \"{{ .Template.Name }}|{{ .Template.BasePath }}|{{ .Chart.Name }}|{{ .Values.x }}\"\n  x: 1\n"),
            ("templates/t.yaml", "# {{ tpl .Values.t . }}\n# {{ include \"sub.h\" . }}\n# {{ tpl \"{{ include \\\"sub.h\\\" . }}\" . }}\n"),
            ("templates/NOTES.txt", "notes {{ tpl .Values.t . }}\n"),
            ("charts/sub/Chart.yaml", sub),
            ("charts/sub/templates/_h.tpl", "{{ define \"sub.h\" }}{{ .Template.Name }}/{{ .Template.BasePath }}{{ end }}"),
            ("charts/sub/templates/s.yaml", "# {{ tpl .Values.t . }}\n# {{ include \"sub.h\" . }}\n# {{ tpl \"{{ .Template.Name }}\" (dict \"Template\" (dict \"Name\" \"fake\")) }}\n"),
            ("charts/sub/templates/NOTES.txt", "sub notes {{ .Template.Name }}\n"),
        ],
    );
}

#[test]
fn yaml_and_json_codecs_match_helm() {
    check(
        "codecs",
        &[
            "# {{ fromYaml \"a: [1\" | toJson }}",
            "# {{ fromYaml \"- 1\" | toJson }} {{ fromYaml \"\" | toJson }} {{ fromYaml \"~\" | toJson }} {{ fromYaml \"3\" | toJson }}",
            "# {{ fromYaml \"a: 1\\nb: 1.0\\nc: 0x10\\nd: 1e3\\ne: yes\\nf: 2024-01-01\\ng: !!str 5\\nh: 12345678901234567890\" | toJson }}",
            "# {{ (fromYaml \"a: 1\").a | typeOf }} {{ (fromYaml \"a: 12345678901234567890\").a | typeOf }} {{ (fromYaml \"a: [1]\").a | typeOf }}",
            "# {{ fromYaml \"a: 1\\na: 2\" | toJson }}",
            "# {{ fromYaml \"? [1]\\n: x\" | toJson }}",
            "# {{ fromYamlArray \"a: 1\" | toJson }} {{ fromYamlArray \"[1, [2]]\" | toJson }} {{ fromYamlArray \"- [\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": 12345678901234567890}\" | toJson }} {{ fromJson \"[1]\" | toJson }} {{ fromJson \"\" | toJson }}",
            "# {{ fromJsonArray \"{}\" | toJson }} {{ fromJsonArray \"[1e400]\" | toJson }} {{ fromJson \"{\\\"a\\\":1} x\" | toJson }}",
            "# {{ toJson (dict \"<\" \"&>\" \"u\" \"\\u2028\") }} {{ toPrettyJson (dict \"a\" (list)) | quote }} {{ toRawJson (dict \"<\" \"&\") }}",
            "a: |\n{{ toYaml (dict \"s\" \"a\\u0085b\" \"t\" \"tab\\there\" \"k\" (repeat 30 \"word \")) | indent 2 }}",
            "a: |\n{{ toYamlPretty (dict \"s\" \"a\\u0085b\" \"t\" \"tab\\there\" \"u\" \"a\\u2028b\" \"r\" \"a\\rb\" \"bom\" \"\\ufeffx\") | indent 2 }}",
        ],
    );
}

#[test]
fn json_numbers_out_of_range_match_helm() {
    check(
        "jsonRange",
        &[
            "# {{ fromJson \"{\\\"a\\\": 1e400}\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": [1, 1e400]}\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": {\\\"b c\\\": 1e400}}\" | toJson }}",
            "# {{ fromJsonArray \"[1, [2, 1e400]]\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": 1e400, \\\"b\\\": 2e400}\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": -1e400}\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": 1e400, \\\"b\\\": }\" | toJson }}",
            "# {{ fromJsonArray \"[{\\\"x.y\\\": 1e400}]\" | toJson }}",
            "# {{ mustFromJson \"{\\\"a\\\": 1e400}\" | toJson }}",
            "# {{ fromJson \"{\\\"a\\\": 1e-400, \\\"s\\\": \\\"\\\\ud800x\\\"}\" | toJson }}",
            "# {{ fromJson (printf \"{\\\"a\\\": %s1%s}\" (repeat 200 \"[\") (repeat 200 \"]\")) | len }}",
        ],
    );
}

#[test]
fn unicode_strings_match_helm() {
    check(
        "unicode",
        &[
            "# {{ upper \"ßﬁǆ\" }} {{ lower \"İΣẞ\" }} {{ title \"ǆemal ßa ﬁx\" }} {{ untitle \"ÉCOLE\" }} {{ swapcase \"ßǅİ\" }}",
            "# {{ camelcase \"héllo_wörld\" }} {{ snakecase \"HéllöWörld\" }} {{ kebabcase \"ÀbcDéf\" }} {{ initials \"élan vital\" }}",
            "# {{ trunc 2 \"héllo\" | toJson }} {{ substr 1 3 \"héllo\" | toJson }} {{ abbrev 4 \"héllo wörld\" }} {{ wrap 3 \"héllo wörld\" }}",
            // (`nospace` works on bytes as goutils does, so `é` comes out as `Ã©`; a
            // no-break space leaves a lone 0xC2 byte, and the C1 controls that makes are
            // refused by go-yaml but not by capstan-chart's YAML reader: see docs/render.md.)
            "# {{ \"héllo\" | len }} {{ repeat 2 \"é\" }} {{ nospace \"a \\tb é\" }} {{ trim \"\\u00a0x\\u2003\" }} {{ trimAll \"é\" \"éxé\" }}",
            "# {{ upper \"ᾳᾀᾈŉǰΐ\" }} {{ lower \"ᾈİ\" }} {{ swapcase \"ᾳİ\" }} {{ title \"ᾳx\" }} {{ camelcase \"a_ᾳ\" }}",
            "# {{ quote \"é\\u0000\\u00ff\\U0001F600\\x7f\" }} {{ squote \"it's\" }} {{ printf \"%q\" \"\\u2028\" }}",
            "# {{ b64enc \"é\" }} {{ sha1sum \"é\" }} {{ regexFind \"\\\\w+\" \"héllo\" }} {{ regexReplaceAll \"\\\\b\" \"ab cd\" \"|\" }}",
            "# {{ sortAlpha (list \"é\" \"z\" \"E\" \"a\") | toJson }} {{ plural \"a\" \"b\" -1 }} {{ contains \"\" \"\" }} {{ cat \"a\" nil \"b\" }}",
        ],
    );
}

#[test]
fn crypto_edges_match_helm() {
    check(
        "cryptoEdges",
        &[
            "# {{ genPrivateKey \"bogus\" }}",
            "# {{ decryptAES \"k\" \"notbase64!\" | quote }}",
            "# {{ decryptAES \"k\" \"YWJj\" | quote }}",
            "# {{ encryptAES \"k\" \"plain\" | decryptAES \"k\" }} {{ encryptAES \"\" \"x\" | decryptAES \"\" }}",
            "# {{ derivePassword 1 \"bogus\" \"p\" \"u\" \"s\" }}",
            "# {{ derivePassword 1 \"long\" \"p\" \"u\" \"s\" }} {{ derivePassword 0 \"pin\" \"p\" \"u\" \"s\" }}",
            "# {{ htpasswd \"u:x\" \"p\" }}",
            "# {{ bcrypt \"\" | len }} {{ htpasswd \"u\" \"p\" | len }}",
            "# {{ buildCustomCert \"x\" \"y\" }}",
            "# {{ genSignedCert \"x\" nil nil 1 (dict) }}",
            "# {{ genSignedCert \"x\" nil nil 1 nil }}",
            "# {{ genSignedCert \"x\" nil nil 1 .Values.nope }}",
            "# {{ genSignedCertWithKey \"x\" nil nil 1 \"ca\" \"k\" }}",
            "# {{ genSelfSignedCertWithKey \"x\" nil nil 1 \"notakey\" }}",
            "# {{ (genCA \"x\" 0).Cert | len | lt 100 }} {{ genCA \"x\" -1 | typeOf }}",
        ],
    );
}

#[test]
fn typed_collections_match_helm() {
    check(
        "typed",
        &[
            "# {{ set (split \",\" \"a,b\") \"x\" 1 }}",
            "# {{ typeOf .Values }} {{ typeOf .Release }} {{ typeOf .Chart }} {{ typeOf .Template }} {{ typeOf .Capabilities.APIVersions }} {{ typeOf .Subcharts }}",
            "# {{ merge .Values (dict \"a\" 1) | toJson }} {{ keys .Values | toJson }} {{ hasKey .Values \"a\" }}",
            // (`set`/`merge` on `.Values` return the same map; Go's result has the parameter's
            // unnamed type `map[string]interface {}`, ours keeps `common.Values`.)
            "# {{ append (splitList \",\" \"a,b\") 1 | typeOf }} {{ prepend (splitList \",\" \"a\") \"z\" | toJson }} {{ concat (splitList \",\" \"a\") (list 1) | typeOf }}",
            "# {{ has \"a\" (splitList \",\" \"a,b\") }} {{ without (splitList \",\" \"a,b\") \"a\" | typeOf }} {{ uniq (splitList \",\" \"a,a\") | typeOf }} {{ reverse (splitList \",\" \"a,b\") | typeOf }}",
            "# {{ index (split \",\" \"a,b\") \"_0\" }} {{ (split \",\" \"a,b\")._1 }} {{ typeOf (split \",\" \"a\") }} {{ index (splitList \",\" \"a,b\") 1 }}",
            "# {{ index (splitList \",\" \"a\") 5 }}",
            "# {{ index (dict \"a\" 1) \"zz\" }} {{ index .Values \"nope\" }} {{ index nil 1 }}",
            "# {{ dict 1 2 }}",
            "# {{ dict \"a\" }} {{ list | typeOf }} {{ dict | typeOf }} {{ tuple 1 | typeOf }}",
            "# {{ deepCopy .Values | typeOf }} {{ deepCopy (splitList \",\" \"a\") | typeOf }} {{ deepCopy nil }}",
            "# {{ values (dict \"b\" 1) | toJson }} {{ sortAlpha (keys (dict \"b\" 1 \"a\" 2)) | toJson }} {{ get (dict \"a\" 1) \"b\" | typeOf }}",
            "# {{ unset (dict \"a\" 1) \"a\" | toJson }} {{ pluck \"a\" | toJson }} {{ chunk 2 (splitList \",\" \"a,b,c\") | typeOf }}",
            "# {{ range $i, $c := chunk 2 (list 1 2 3) }}{{ typeOf $c }}{{ $c }}{{ end }}",
        ],
    );
}

#[test]
fn helm_function_arguments_match_helm() {
    check(
        "helmArgs",
        &[
            "# {{ lookup \"v1\" \"Pod\" \"ns\" \"name\" | toJson }} {{ lookup \"v1\" \"Pod\" \"\" \"\" | typeOf }}",
            "# {{ lookup \"v1\" \"Pod\" \"ns\" }}",
            "# {{ lookup \"v1\" \"Pod\" \"ns\" 5 }}",
            "# {{ required 5 .x }}",
            "# {{ required \"m\" }}",
            "# {{ fail 5 }}",
            "# {{ include 5 . }}",
            "# {{ include \"h\" }}",
            "# {{ tpl \"x\" }}",
            "# {{ toYaml }}",
            "# {{ toYamlPretty 1 2 }}",
            "# {{ fromYaml 5 }}",
            "# {{ toJson nil }} {{ toYaml nil }} {{ toYamlPretty nil }} {{ toToml (dict) | quote }}",
            "# {{ toToml nil }}",
            "# {{ toToml 5 }} {{ toToml (list 1) }}",
            "# {{ mustToToml 5 }}",
            "# {{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.IsUpgrade }} {{ .Release.Revision }} {{ .Release.Service }} {{ typeOf .Release.Revision }}",
            "# {{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion | quote }} {{ .Chart.IsRoot }} {{ .Chart.Keywords | toJson }} {{ .Chart.Nope }}",
            "# {{ .Release.Nope }}",
            "# {{ .Capabilities.Nope }}",
            "# {{ .Capabilities.HelmVersion.Version }} {{ .Capabilities.HelmVersion }} {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }}",
        ],
    );
}

#[test]
fn random_function_edges_match_helm() {
    check(
        "random",
        &[
            "# {{ randAlpha 0 | quote }} {{ randAlphaNum 5 | len }} {{ randNumeric 3 | regexMatch \"^[0-9]{3}$\" }} {{ randAscii 4 | len }} {{ randBytes 3 | len }}",
            // (`randBytes 3 | b64dec` is a Go string of 3 arbitrary bytes; our strings are
            // UTF-8, so invalid bytes become U+FFFD and `len` differs.)
            "# {{ randAlpha -1 }}",
            "# {{ randInt 5 5 }}",
            "# {{ randInt 6 5 }}",
            "# {{ randInt 1 2 }} {{ uuidv4 | regexMatch \"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$\" }} {{ shuffle \"aaa\" }}",
            "# {{ randBytes -1 }}",
        ],
    );
}

#[test]
fn printing_objects_matches_helm() {
    check(
        "printObjects",
        &[
            "# {{ .Capabilities.HelmVersion }} | {{ printf \"%v\" .Capabilities.KubeVersion }} | {{ printf \"%s\" .Capabilities.KubeVersion }}",
            "# {{ printf \"%+v\" .Capabilities.HelmVersion }}",
            "# {{ semver \"1.2.3\" }} {{ printf \"%v|%s|%T\" (semver \"1.2.3\") (semver \"1.2.3\") (semver \"1.2.3\") }} {{ (semver \"1.2.3\").IncPatch }}",
            "# {{ toDate \"2006-01-02\" \"2024-02-29\" }} | {{ printf \"%v|%T\" (toDate \"2006-01-02\" \"2024-02-29\") (toDate \"2006-01-02\" \"2024-02-29\") }}",
            "# {{ list (semver \"1.0.0\") (toDate \"2006\" \"2020\") }} {{ dict \"v\" (semver \"1.0.0\") }}",
            "# {{ toString (semver \"1.0.0\") }} {{ toString (toDate \"2006\" \"2020\") }} {{ toString .Capabilities.KubeVersion }} {{ quote (semver \"2.0.0\") }}",
            "# {{ .Capabilities.APIVersions | len }} {{ typeOf .Capabilities.KubeVersion }} {{ kindOf .Capabilities }} {{ kindOf .Capabilities.KubeVersion }}",
        ],
    );
}

#[test]
fn nested_error_chains_match_helm() {
    check(
        "errorChains",
        &[
            "# {{ tpl \"line1\\n{{ tpl \\\"{{ fail \\\\\\\"deep\\\\\\\" }}\\\" . }}\" . }}",
            "# {{ include \"f\" . | tpl }}",
            "# {{ tpl \"{{ include \\\"req\\\" . }}\" . }}",
            "# {{ tpl \"{{ .Values.a.b.c }}\" (dict \"Values\" (dict \"a\" nil)) }}",
            "# {{ tpl \"{{ template \\\"nope\\\" }}\" . }}",
            "# {{ tpl \"{{ toYaml }}\" . }}",
            "# {{ tpl \"{{ 1 | printf \\\"%d\\\" | int | add }}\" . }}",
            "{{ define \"loop\" }}{{ tpl \"{{ include \\\"loop\\\" . }}\" . }}{{ end }}# {{ include \"loop\" . }}",
            "# {{ $x := 1 }}{{ tpl \"{{ $x }}\" . }}",
            "# {{ tpl \"{{ .Template.Name }}\" $ }} {{ with .Values }}{{ tpl \"{{ .Template.Name }}\" $ }}{{ end }}",
        ],
    );
}

#[test]
fn to_yaml_of_objects_matches_helm() {
    check(
        "toYamlObjects",
        &[
            "a: |\n{{ toYaml (dict \"t\" (toDate \"2006-01-02\" \"2024-02-29\") \"v\" (semver \"1.2.3\") \"kv\" .Capabilities.KubeVersion) | indent 2 }}",
            // (`toYaml .Chart` of a chart without annotations: Go's `Annotations` is a nil
            // map, `null` in JSON; ours is an empty map, `{}`. See docs/render.md.)
            "a: |\n{{ toYaml .Files | indent 2 }}\nc: |\n{{ toYaml .Release | indent 2 }}",
            "a: |\n{{ toYaml (genCA \"x\" 1) | regexReplaceAll \"(?s)-----BEGIN.*?-----END [A-Z ]+-----\" \"PEM\" | indent 2 }}",
            "a: |\n{{ toToml (dict \"t\" (toDate \"2006-01-02\" \"2024-02-29\") \"v\" (semver \"1.2.3\")) | indent 2 }}",
            "a: {{ toJson (dict \"t\" (toDate \"2006-01-02\" \"2024-02-29\") \"v\" (semver \"1.2.3\") \"b\" (.Files.GetBytes \"files/a.txt\")) }}",
        ],
    );
}

/// `toYamlPretty .Values` and `toToml .Values` of every corpus chart (real values files:
/// key order, quoting, numbers, multi-line strings), helm against ours. Charts whose output
/// changes between two helm runs (values filled in with random text) are skipped.
#[test]
#[ignore = "needs ../shared/corpus"]
fn corpus_to_yaml_pretty_of_values_matches_helm() {
    let charts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/charts");
    let entries = std::fs::read_dir(&charts)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared corpus is needed)", charts.display()));
    let base = std::env::temp_dir().join(format!("capstan-fvh-corpus-{}", std::process::id()));
    let (mut same, mut skipped, mut diffs) = (0, Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let src = entry.path();
        if !src.join("Chart.yaml").exists() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let dir = base.join(&name);
        copy_dir(&src, &dir);
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("templates/zz-pretty.yaml"),
            "pretty: |\n{{ toYamlPretty .Values | indent 2 }}\ntoml: |\n{{ toToml .Values | indent 2 }}\n",
        )
        .unwrap();
        let helm_run = || {
            let out = Command::new(helm())
                .args(["template", "r"])
                .arg(&dir)
                .args(["--show-only", "templates/zz-pretty.yaml"])
                .output()
                .expect("run helm");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let (first, second) = (helm_run(), helm_run());
        // Library charts and charts needing values do not render at all.
        if first != second || first.is_empty() {
            skipped.push(name);
            continue;
        }
        let chart = capstan_chart::loader::load_dir(&dir).expect("load corpus chart");
        let req = TemplateRequest {
            release_name: "r".into(),
            namespace: "default".into(),
            show_only: vec!["templates/zz-pretty.yaml".into()],
            ..Default::default()
        };
        let ours = template(chart, &Default::default(), &req)
            .map(|o| o.stdout)
            .unwrap_or_else(|e| e.message);
        if ours == first {
            same += 1;
        } else {
            diffs.push(name);
        }
    }
    std::fs::remove_dir_all(&base).ok();
    eprintln!("{same} charts identical, skipped (random values or not renderable): {skipped:?}");
    assert!(same >= 30, "only {same} corpus charts compared");
    assert!(
        diffs.is_empty(),
        "toYamlPretty/toToml of .Values differ for {diffs:?}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
