import os, random, sys, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *
from lib import TMP
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
PIECES = ["%", "%", "%", "%", "#", "0", "+", "-", " ", "1", "9", "12", "[", "]", "[1]", "[2]", "[0]", "[3]",
          "*", ".", "v", "d", "s", "q", "x", "X", "o", "O", "b", "e", "E", "f", "F", "g", "G",
          "t", "c", "U", "T", "w", "z", "a", "%%", "5", "|", ".2", ".0"]
ops = [lambda: N(), lambda: I(-3), lambda: I(65), lambda: I(0), lambda: I64(-9223372036854775808), lambda: U64(18446744073709551615),
       lambda: F("NaN"), lambda: F("-0"), lambda: F("1e300"), lambda: F("2.5"), lambda: F("-1234.5678"), lambda: F("+Inf"),
       lambda: S("hé\x00`"), lambda: S(""), lambda: S("abc"), lambda: BY(b"\xff\x00a"), lambda: B(True),
       lambda: L(N(), I(1), BY(b"x"), F("0.5")), lambda: D(("k", L()), ("n", N()), ("f", F("1.5"))), lambda: SL("a", "b"), lambda: IL(2), lambda: VALS()]
cases = []
for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1500):
    fmt = "".join(random.choice(PIECES) for _ in range(random.randint(1, 12)))
    # %p prints addresses of slices and maps: keep it out.
    fmt = fmt.replace("p", "")
    args = [random.choice(ops)() for _ in range(random.randint(0, 4))]
    cases.append((fmt, args))
exp = run(cases)
out = []
for (fmt, args), e in zip(cases, exp):
    out.append({"fmt": fmt, "args": "vec![" + ", ".join(a.rust() for a in args) + "]", "want": e.decode("utf-8", errors="replace")})
json.dump(out, open(os.path.join(TMP, "diff.json"), "w"))
# Emit Rust test lines
lines = [f"    c.check({rust_lit(o['fmt'])}, {o['args']}, {rust_lit(o['want'])});" for o in out]
open(os.path.join(TMP, "diff_cases.rs"), "w").write("\n".join(lines) + "\n")
print(len(out))
