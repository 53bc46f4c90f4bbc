"""Oracle helpers: render `printf` cases with the real helm and emit Rust test code.

Run `python3 gen.py` (and `floats.py`, `diff.py`) from anywhere; helm is taken from
`$HELM` or the repository's `.tools/helm`.
"""
import subprocess, base64, os, shutil, json, math, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FMT_DIR = os.path.dirname(os.path.dirname(HERE))            # crates/gotmpl/src/fmt
REPO = os.path.abspath(os.path.join(FMT_DIR, "../../../.."))
HELM = os.environ.get("HELM", os.path.join(REPO, ".tools/helm"))
TMP = tempfile.gettempdir()

class I:      # Go int (template constant)
    def __init__(s, n): s.n = n
    def tmpl(s, ctx): return str(s.n)
    def rust(s): return f"Value::Int({s.n})"
class I64:
    def __init__(s, n): s.n = n
    def tmpl(s, ctx): return f'(int64 "{s.n}")'
    def rust(s): return f"Value::Int64({s.n})" if s.n != -2**63 else "Value::Int64(i64::MIN)"
class F:
    def __init__(s, text): s.text = text
    def tmpl(s, ctx):
        if s.text in ("NaN", "+Inf", "-Inf", "-0"):
            return f'(float64 "{s.text}")'
        if not any(ch in s.text for ch in ".eE"):
            return s.text + ".0"
        return s.text
    def rust(s):
        t = s.text
        if t == "NaN": return "Value::Float64(f64::NAN)"
        if t == "+Inf": return "Value::Float64(f64::INFINITY)"
        if t == "-Inf": return "Value::Float64(f64::NEG_INFINITY)"
        if t == "-0": return "Value::Float64(-0.0)"
        v = repr(float(t))
        if 'e' not in v and '.' not in v and 'inf' not in v: v += ".0"
        return f"Value::Float64({v})"
class S:
    def __init__(s, v): s.v = v
    def tmpl(s, ctx): return go_lit(s.v)
    def rust(s): return f"Value::str({rust_lit(s.v)})"
class B:
    def __init__(s, v): s.v = v
    def tmpl(s, ctx): return "true" if s.v else "false"
    def rust(s): return f"Value::Bool({'true' if s.v else 'false'})"
class N:
    def tmpl(s, ctx): return "nil"
    def rust(s): return "Value::Nil"
class L:
    def __init__(s, *items): s.items = items
    def tmpl(s, ctx):
        if not s.items: return "(list)"
        return "(list " + " ".join(i.tmpl(ctx) for i in s.items) + ")"
    def rust(s): return "Value::list(vec![" + ", ".join(i.rust() for i in s.items) + "])"
class SL:   # []string
    def __init__(s, *items): s.items = items
    def tmpl(s, ctx): return f'(splitList "," {go_lit(",".join(s.items))})'
    def rust(s): return "strs(&[" + ", ".join(rust_lit(i) for i in s.items) + "])"
class IL:   # []int 0..n-1
    def __init__(s, n): s.n = n
    def tmpl(s, ctx): return f"(until {s.n})"
    def rust(s): return f"ints({s.n})"
class D:
    def __init__(s, *kv): s.kv = kv
    def tmpl(s, ctx): return "(dict " + " ".join(go_lit(k) + " " + v.tmpl(ctx) for k, v in s.kv) + ")"
    def rust(s): return "dict(vec![" + ", ".join(f"({rust_lit(k)}, {v.rust()})" for k, v in s.kv) + "])"
class BY:
    def __init__(s, data): s.data = data
    def tmpl(s, ctx):
        name = f"f{len(ctx)}.bin"
        ctx[name] = s.data
        return f'(.Files.GetBytes "{name}")'
    def rust(s):
        return 'bytes(b"' + "".join(f"\\x{c:02x}" if not (32 <= c < 127) or c in (34, 92) else chr(c) for c in s.data) + '")'

def go_lit(v):
    out = '"'
    for ch in v:
        c = ord(ch)
        if ch == '"': out += '\\"'
        elif ch == '\\': out += '\\\\'
        elif c < 32 or c == 127: out += f"\\x{c:02x}"
        else: out += ch
    return out + '"'

def rust_lit(v):
    out = '"'
    for ch in v:
        c = ord(ch)
        if ch == '"': out += '\\"'
        elif ch == '\\': out += '\\\\'
        elif c < 32 or c == 127 or (c >= 0x80 and not ch.isprintable()): out += f"\\u{{{c:x}}}"
        else: out += ch
    return out + '"'

def run(cases):
    """cases: list of (format, [args]); returns list of expected strings (bytes decoded lossily)."""
    root = os.path.join(tempfile.gettempdir(), "fmt-oracle-chart")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root + "/c/templates")
    open(root + "/c/Chart.yaml", "w").write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    ctx = {}
    lines = []
    for fmt, args in cases:
        a = " ".join(x.tmpl(ctx) for x in args)
        if fmt is None:
            lines.append("# {{ print %s | b64enc }}" % a)
        elif fmt == "\n":
            lines.append("# {{ println %s | b64enc }}" % a)
        else:
            lines.append("# {{ printf %s %s | b64enc }}" % (go_lit(fmt), a))
    for name, data in ctx.items():
        if name == "__values__":
            name = "values.yaml"
        open(f"{root}/c/{name}", "wb").write(data)
    open(root + "/c/templates/t.yaml", "w").write("\n".join(lines) + "\n")
    out = subprocess.run([HELM, "template", "r", root + "/c"], capture_output=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr.decode())
    res = [l[2:] for l in out.stdout.decode().splitlines() if l.startswith("# ") and not l.startswith("# Source")]
    assert len(res) == len(cases), (len(res), len(cases))
    return [base64.b64decode(r) for r in res]

def emit(name, doc, cases):
    exp = run(cases)
    body = [f"/// {doc}", "#[test]", f"fn {name}() {{", "    let mut c = Checker::default();"]
    for (fmt, args), e in zip(cases, exp):
        e = e.decode("utf-8", errors="replace")
        v = f"vec![{', '.join(a.rust() for a in args)}]"
        if fmt is None:
            body.append(f"    c.sprint({v}, {rust_lit(e)});")
        elif fmt == "\n":
            body.append(f"    c.sprintln({v}, {rust_lit(e)});")
        else:
            body.append(f"    c.check({rust_lit(fmt)}, {v}, {rust_lit(e)});")
    body.append("    c.finish();")
    body.append("}")
    return "\n".join(body) + "\n", len(cases)

class U64:
    def __init__(s, n): s.n = n
    def tmpl(s, ctx): return f'(semver "{s.n}.0.0").Major'
    def rust(s): return f"Value::Uint64({s.n})"
class VALS:
    """`.Values` from a values.yaml of `a: 1`, `b: [x, 2.5]` (a named map type)."""
    def tmpl(s, ctx):
        ctx["__values__"] = b"a: 1\nb: [x, 2.5]\n"
        return ".Values"
    def rust(s): return "chart_values()"
