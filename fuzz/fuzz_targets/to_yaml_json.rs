//! `toYaml` and `toJson` on arbitrary value trees (maps, lists, strings with any
//! characters, ints, floats including NaN and infinities, bytes, nil).
//! Checks: no panic, no stack overflow.
#![no_main]

use std::collections::BTreeMap;

use capstan_gotmpl::Value;
use libfuzzer_sys::fuzz_target;

struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    fn string(&mut self) -> String {
        let len = (self.byte() % 40) as usize;
        let take = len.min(self.data.len());
        let (s, rest) = self.data.split_at(take);
        self.data = rest;
        String::from_utf8_lossy(s).into_owned()
    }
    fn value(&mut self, depth: usize) -> Value {
        let tag = self.byte();
        match (tag % 9, depth > 20) {
            (0, _) => Value::Nil,
            (1, _) => Value::Bool(tag & 0x10 != 0),
            (2, _) => Value::Int64(i64::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte()])),
            (3, _) => Value::Float64(f64::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte(), self.byte()])),
            (4, _) | (7, true) | (8, true) => Value::str(self.string()),
            (5, _) => Value::Int(i64::from(self.byte()) - 128),
            (6, _) => Value::Bytes(self.string().into_bytes().into()),
            (7, false) => {
                let n = self.byte() % 6;
                Value::list((0..n).map(|_| self.value(depth + 1)).collect())
            }
            _ => {
                let n = self.byte() % 6;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.string();
                    m.insert(k, self.value(depth + 1));
                }
                Value::map(m)
            }
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let value = Reader { data: input }.value(0);
    let _ = capstan_render::to_yaml::to_yaml(&value);
    let _ = capstan_render::json::to_json(&value);
});
