//! Finds SQL in hook commands that fails or does harm when the hook runs twice.
//!
//! Hooks re-run: a failed upgrade is retried, a Job retries its pod (`backoffLimit`), and
//! `pre-upgrade` hooks run on every upgrade. A statement such as `CREATE TABLE t` then fails
//! the second time. The scan works on words, not on a SQL grammar: it splits the text into
//! statements at `;` and looks for the known constructs, wherever they appear in a shell
//! command line or a heredoc.

/// A non-idempotent statement found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlIssue {
    /// 0-based line of the text where the construct starts.
    pub line: usize,
    /// The construct, e.g. `CREATE TABLE without IF NOT EXISTS`.
    pub what: String,
}

struct Token {
    word: String,
    line: usize,
}

fn tokenize(text: &str) -> Vec<Vec<Token>> {
    let mut statements = vec![Vec::new()];
    let mut line = 0;
    let mut word = String::new();
    let mut word_line = 0;
    let flush = |word: &mut String, word_line: usize, statements: &mut Vec<Vec<Token>>| {
        if !word.is_empty() {
            if let Some(last) = statements.last_mut() {
                last.push(Token {
                    word: word.to_ascii_uppercase(),
                    line: word_line,
                });
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if word.is_empty() {
                word_line = line;
            }
            word.push(c);
            continue;
        }
        flush(&mut word, word_line, &mut statements);
        if c == ';' {
            statements.push(Vec::new());
        }
        if c == '\n' {
            line += 1;
        }
    }
    flush(&mut word, word_line, &mut statements);
    statements
}

fn words_at(tokens: &[Token], i: usize, words: &[&str]) -> bool {
    words
        .iter()
        .enumerate()
        .all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.word == *w))
}

/// Objects whose `CREATE` should say `IF NOT EXISTS` (or `OR REPLACE` for views).
const CREATE_OBJECTS: &[&str] = &[
    "TABLE",
    "INDEX",
    "SCHEMA",
    "SEQUENCE",
    "EXTENSION",
    "VIEW",
    "DATABASE",
    "TYPE",
];
/// Objects whose `DROP` should say `IF EXISTS`.
const DROP_OBJECTS: &[&str] = &[
    "TABLE",
    "INDEX",
    "COLUMN",
    "SCHEMA",
    "VIEW",
    "SEQUENCE",
    "DATABASE",
    "TYPE",
    "FUNCTION",
    "EXTENSION",
    "CONSTRAINT",
    "TRIGGER",
    "ROLE",
    "USER",
];

/// Scans `text` for non-idempotent SQL.
pub fn scan(text: &str) -> Vec<SqlIssue> {
    let mut issues = Vec::new();
    for st in tokenize(text) {
        for i in 0..st.len() {
            match st[i].word.as_str() {
                "CREATE" => create(&st, i, &mut issues),
                "ADD"
                    if words_at(&st, i + 1, &["COLUMN"])
                        && !words_at(&st, i + 2, &["IF", "NOT", "EXISTS"]) =>
                {
                    issues.push(SqlIssue {
                        line: st[i].line,
                        what: "ADD COLUMN without IF NOT EXISTS".into(),
                    })
                }
                "DROP" => drop(&st, i, &mut issues),
                "INSERT" if words_at(&st, i + 1, &["INTO"]) => {
                    let rest = &st[i..];
                    let safe = (0..rest.len()).any(|k| {
                        words_at(rest, k, &["ON", "CONFLICT"])
                            || words_at(rest, k, &["ON", "DUPLICATE", "KEY"])
                            || words_at(rest, k, &["WHERE", "NOT", "EXISTS"])
                    });
                    if !safe {
                        issues.push(SqlIssue {
                            line: st[i].line,
                            what: "INSERT without ON CONFLICT".into(),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    issues
}

fn create(st: &[Token], i: usize, issues: &mut Vec<SqlIssue>) {
    let mut j = i + 1;
    let mut or_replace = false;
    let mut materialized = false;
    while let Some(t) = st.get(j) {
        match t.word.as_str() {
            "OR" | "REPLACE" => or_replace = true,
            "UNIQUE" | "TEMP" | "TEMPORARY" | "UNLOGGED" | "GLOBAL" | "LOCAL" => {}
            "MATERIALIZED" => materialized = true,
            _ => break,
        }
        j += 1;
    }
    let Some(object) = st.get(j).map(|t| t.word.as_str()) else {
        return;
    };
    if !CREATE_OBJECTS.contains(&object) || or_replace {
        return;
    }
    let mut k = j + 1;
    if object == "INDEX" && words_at(st, k, &["CONCURRENTLY"]) {
        k += 1;
    }
    if words_at(st, k, &["IF", "NOT", "EXISTS"]) {
        return;
    }
    let object = if materialized {
        "MATERIALIZED VIEW".to_string()
    } else {
        object.to_string()
    };
    let fix = if object == "VIEW" {
        "without OR REPLACE"
    } else {
        "without IF NOT EXISTS"
    };
    issues.push(SqlIssue {
        line: st[i].line,
        what: format!("CREATE {object} {fix}"),
    });
}

fn drop(st: &[Token], i: usize, issues: &mut Vec<SqlIssue>) {
    let mut j = i + 1;
    if words_at(st, j, &["MATERIALIZED"]) {
        j += 1;
    }
    let Some(object) = st.get(j).map(|t| t.word.as_str()) else {
        return;
    };
    if !DROP_OBJECTS.contains(&object) {
        return;
    }
    let mut k = j + 1;
    if object == "INDEX" && words_at(st, k, &["CONCURRENTLY"]) {
        k += 1;
    }
    if words_at(st, k, &["IF", "EXISTS"]) {
        return;
    }
    issues.push(SqlIssue {
        line: st[i].line,
        what: format!("DROP {object} without IF EXISTS"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|i| i.what).collect()
    }

    #[test]
    fn finds_non_idempotent_statements() {
        assert_eq!(
            whats("create table t (id int);"),
            ["CREATE TABLE without IF NOT EXISTS"]
        );
        assert_eq!(
            whats("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)"),
            ["CREATE INDEX without IF NOT EXISTS"]
        );
        assert_eq!(
            whats("psql -c 'ALTER TABLE t ADD COLUMN c int'"),
            ["ADD COLUMN without IF NOT EXISTS"]
        );
        assert_eq!(whats("DROP TABLE t;"), ["DROP TABLE without IF EXISTS"]);
        assert_eq!(
            whats("ALTER TABLE t DROP COLUMN c"),
            ["DROP COLUMN without IF EXISTS"]
        );
        assert_eq!(
            whats("INSERT INTO t VALUES (1);"),
            ["INSERT without ON CONFLICT"]
        );
        assert_eq!(
            whats("CREATE VIEW v AS SELECT 1"),
            ["CREATE VIEW without OR REPLACE"]
        );
    }

    #[test]
    fn accepts_idempotent_statements() {
        assert!(whats("CREATE TABLE IF NOT EXISTS t (id int);").is_empty());
        assert!(whats("create index concurrently if not exists i on t (a)").is_empty());
        assert!(whats("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int").is_empty());
        assert!(whats("DROP INDEX IF EXISTS i; DROP TABLE IF EXISTS t").is_empty());
        assert!(whats("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING;").is_empty());
        assert!(whats("CREATE OR REPLACE VIEW v AS SELECT 1").is_empty());
        assert!(whats("echo created; mkdir -p /tmp/x; SELECT count(*) FROM t").is_empty());
        // ALTER COLUMN ... DROP DEFAULT is idempotent.
        assert!(whats("ALTER TABLE t ALTER COLUMN c DROP DEFAULT").is_empty());
    }

    #[test]
    fn reports_lines() {
        let issues = scan("set -e\npsql <<SQL\nCREATE TABLE IF NOT EXISTS a ();\nINSERT INTO a\n VALUES (1);\nSQL");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].line, 3);
    }
}
