import os, random, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import run, F, rust_lit, TMP
random.seed(20261123)
vals = []
for _ in range(120):
    e = random.randint(-30, 30)
    vals.append(random.uniform(1, 10) * 10.0**e * random.choice([1, -1]))
for _ in range(30):
    bits = random.getrandbits(64)
    x = struct.unpack("<d", struct.pack("<Q", bits))[0]
    if x != x or abs(x) == float("inf"): continue
    vals.append(x)
vals += [0.5, 1.5, 2.5, 0.05, 0.15, 0.25, 0.35, 1e15, 1e16, 1e17, 123456789012345678.0, 9.999999e5, 999999.5, 0.00009999, 4.35, 2.675, 1.005, 100.0, 1e-4, 1e-5]
FMT = "%[1]v|%[1]e|%.3[1]g|%.17[1]g|%.5[1]f|%[1]x|%[1]b|%.10[1]e|%[1]G|%.0[1]e|%.1[1]f|%+.2[1]e|%#[1]g|%10.3[1]x"
cases = [(FMT, [F(repr(v))]) for v in vals]
exp = run(cases)
rows = []
for v, e in zip(vals, exp):
    bits = struct.unpack("<Q", struct.pack("<d", v))[0]
    rows.append(f"    (0x{bits:016x}, {rust_lit(e.decode())}),")
open(os.path.join(TMP, "float_table.rs"), "w").write("\n".join(rows) + "\n")
print(len(rows))
