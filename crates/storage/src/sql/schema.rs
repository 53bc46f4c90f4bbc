//! Helm's SQL schema and its migrations, applied the way helm's sql-migrate run leaves them,
//! so helm and capstan can share one database whichever of them comes first.
//!
//! Helm records applied migrations in sql-migrate's `gorp_migrations` table (`id`,
//! `applied_at`) and applies the missing ones, each in its own transaction, in sql-migrate's
//! order (`custom_labels` sorts before `init`). Unquoted identifiers are folded to lower
//! case by PostgreSQL, as in helm's statements (`createdAt` is the column `createdat`).

use tokio_postgres::Client;

/// sql-migrate's bookkeeping table, as it creates it.
pub const MIGRATIONS_TABLE_DDL: &str = "CREATE TABLE IF NOT EXISTS \"gorp_migrations\" \
     (\"id\" text not null primary key, \"applied_at\" timestamp with time zone)";

/// The release table (helm's `init` migration).
const INIT: &str = "
CREATE TABLE releases_v1 (
    key VARCHAR(90),
    type VARCHAR(64) NOT NULL,
    body TEXT NOT NULL,
    name VARCHAR(64) NOT NULL,
    namespace VARCHAR(64) NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    owner TEXT NOT NULL,
    createdAt INTEGER NOT NULL,
    modifiedAt INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(key, namespace)
);
CREATE INDEX ON releases_v1 (key, namespace);
CREATE INDEX ON releases_v1 (version);
CREATE INDEX ON releases_v1 (status);
CREATE INDEX ON releases_v1 (owner);
CREATE INDEX ON releases_v1 (createdAt);
CREATE INDEX ON releases_v1 (modifiedAt);
GRANT ALL ON releases_v1 TO PUBLIC;
ALTER TABLE releases_v1 ENABLE ROW LEVEL SECURITY;
";

/// The custom label table (helm 4's `custom_labels` migration). Key and value lengths follow
/// Kubernetes label limits (253 + 1 + 63 and 63), as in helm.
const CUSTOM_LABELS: &str = "
CREATE TABLE custom_labels_v1 (
    releaseKey VARCHAR(64),
    releaseNamespace VARCHAR(67),
    key VARCHAR(317),
    value VARCHAR(63)
);
CREATE INDEX ON custom_labels_v1 (releaseKey, releaseNamespace);
GRANT ALL ON custom_labels_v1 TO PUBLIC;
ALTER TABLE custom_labels_v1 ENABLE ROW LEVEL SECURITY;
";

/// The migrations by id, in the order sql-migrate applies them.
pub const MIGRATIONS: [(&str, &str); 2] = [("custom_labels", CUSTOM_LABELS), ("init", INIT)];

/// An arbitrary constant naming capstan's advisory lock around migrations, so two capstan
/// processes starting on an empty database do not both create the tables.
const MIGRATION_LOCK: i64 = 0x6361_7073_7461_6e31;

/// Applies the migrations that the database lacks, recording them as sql-migrate does.
pub async fn ensure(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = apply_missing(client).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result?;
    unlocked.map(|_| ())
}

async fn apply_missing(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    client.batch_execute(MIGRATIONS_TABLE_DDL).await?;
    let applied: Vec<String> = client
        .query("SELECT id FROM gorp_migrations", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for (id, ddl) in MIGRATIONS {
        if applied.iter().any(|a| a == id) {
            continue;
        }
        let tx = client.transaction().await?;
        tx.batch_execute(ddl).await?;
        tx.execute(
            "INSERT INTO gorp_migrations (id, applied_at) VALUES ($1, now())",
            &[&id],
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
