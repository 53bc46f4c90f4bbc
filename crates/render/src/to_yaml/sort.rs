//! go-yaml v2's map key order (`sorter.go`) for string keys: a "natural" order where
//! letters sort before other characters and runs of digits compare as numbers, so `a2`
//! comes before `a10` and `9` before `10`.

use super::pdqsort;
use super::unicode::{DIGITS, LETTERS};
use super::Node;

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let v = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < v {
                std::cmp::Ordering::Less
            } else if lo > v {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_table(LETTERS, c)
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(DIGITS, c)
}

/// go-yaml v2's `keyList.Less` for two string keys.
pub(super) fn chars_less(ar: &[char], br: &[char]) -> bool {
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        // Neither is a letter: compare the digit runs starting here as numbers. A run
        // that continues earlier digits with a non-zero among them already has a value,
        // so a leading `0` there does not count as "shorter".
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        // Go computes `an*10 + int64(r-'0')` on runes, wrapping on overflow, also for
        // non-ASCII digits.
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u32) - i64::from(b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u32) - i64::from(b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Sorts map entries into go-yaml v2's key order.
///
/// For ordinary keys [`chars_less`] is a total order and any correct sort gives Go's result.
/// For some keys (`x1y2`, `x10`, `x01`: leading zeros mixed with letters) it is not
/// transitive; Go then sorts with `sort.Sort` (pdqsort) starting from Go's random map
/// order, so Helm's output varies between runs. In that case this runs a port of Go's
/// pdqsort on a fixed set of pseudo-random starting orders and keeps the most frequent
/// result, which is the order Helm prints most often.
pub(super) fn sort_keys(entries: &mut Vec<(String, Node)>) {
    let chars: Vec<Vec<char>> = entries.iter().map(|(k, _)| k.chars().collect()).collect();
    let less = |a: usize, b: usize| match (chars.get(a), chars.get(b)) {
        (Some(x), Some(y)) => chars_less(x, y),
        _ => false,
    };
    let n = entries.len();
    let mut order: Vec<usize> = (0..n).collect();
    pdqsort::sort(&mut order, &less);
    if n <= MAX_CHECKED && !is_consistent(&order, &less) {
        order = most_frequent_order(n, &less);
    }
    let mut slots: Vec<Option<(String, Node)>> =
        std::mem::take(entries).into_iter().map(Some).collect();
    for i in order {
        if let Some(entry) = slots.get_mut(i).and_then(Option::take) {
            entries.push(entry);
        }
    }
}

/// Maps with more keys are not checked for a non-transitive order (the check is
/// quadratic); they keep the result of a single sort.
const MAX_CHECKED: usize = 256;
/// Starting orders tried for a non-transitive key set.
const TRIES: usize = 256;

/// Whether every pair in the sorted `order` agrees with `less` (then the comparison is
/// transitive on these keys and every starting order sorts the same way).
fn is_consistent(order: &[usize], less: &impl Fn(usize, usize) -> bool) -> bool {
    for (i, &a) in order.iter().enumerate() {
        for &b in &order[i + 1..] {
            if less(b, a) {
                return false;
            }
        }
    }
    true
}

fn most_frequent_order(n: usize, less: &impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut seen: Vec<(Vec<usize>, usize)> = Vec::new();
    for _ in 0..TRIES {
        let mut order: Vec<usize> = (0..n).collect();
        // Fisher-Yates with xorshift64: a stand-in for Go's random map iteration order.
        for i in (1..n).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let j = (seed % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        pdqsort::sort(&mut order, less);
        match seen.iter_mut().find(|(o, _)| *o == order) {
            Some((_, count)) => *count += 1,
            None => seen.push((order, 1)),
        }
    }
    // The first of the most frequent results (max_by_key keeps the last maximum).
    let best = seen.iter().map(|(_, c)| *c).max().unwrap_or(0);
    seen.into_iter()
        .find(|(_, c)| *c == best)
        .map(|(o, _)| o)
        .unwrap_or_else(|| (0..n).collect())
}
