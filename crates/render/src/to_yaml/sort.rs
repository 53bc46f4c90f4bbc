//! go-yaml v2's map key order (`sorter.go`) for string keys: a "natural" order where
//! letters sort before other characters and runs of digits compare as numbers, so `a2`
//! comes before `a10` and `9` before `10`.

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
pub(super) fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
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
/// `key_less` is not a strict weak order for every set of keys, and Rust's standard sorts
/// may panic on such comparators; a merge sort driven only by `less` cannot. For the
/// orders that are consistent (all ordinary keys) the result is the same as Go's.
pub(super) fn sort_keys(entries: &mut Vec<(String, Node)>) {
    let items = std::mem::take(entries);
    *entries = merge_sort(items);
    // Go's pdqsort finishes with insertion sorts, so its results never have a neighbour
    // pair out of order even where `key_less` is not transitive; a final insertion pass
    // (nearly free on sorted input) gives ours the same property. For such key sets
    // Helm's own order varies from run to run (Go's map order is random).
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && key_less(&entries[j].0, &entries[j - 1].0) {
            entries.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn merge_sort(mut v: Vec<(String, Node)>) -> Vec<(String, Node)> {
    if v.len() <= 1 {
        return v;
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(v);
    let right = merge_sort(right);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => key_less(&b.0, &a.0),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        if let Some(item) = next {
            out.push(item);
        }
    }
    out
}
