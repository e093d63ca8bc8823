//! The PostgreSQL backend (issue 12), being built in steps. This step opens
//! a server's database and brings its schema up to date
//! (`migrations/postgres/`, applied on open under sqlx's advisory lock, so
//! concurrent first use is safe), refuses a newer schema, and says in one
//! line what went wrong reaching the server, the password never shown. It
//! implements `Store` once every method is written; until then the CLI
//! refuses postgres:// URLs.

// Until `PostgresStore` implements `Store`, only its tests reach most of it.
#![cfg_attr(not(test), allow(dead_code))]

use std::str::FromStr;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, Postgres};
use sqlx::Transaction;

use crate::store::{redact, StoreError as Error, StoreResult as Result};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// A claims database on a PostgreSQL server.
pub struct PostgresStore {
    pool: PgPool,
    /// The URL without its password, for messages.
    location: String,
}

impl PostgresStore {
    /// Connects to the database `url` names (the `PG*` variables and
    /// `.pgpass` fill in what it leaves out, as for every PostgreSQL
    /// client) and applies the migrations it lacks.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        let location = redact(url);
        let options = connect_options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| failure(e, &location))?;
        let store = PostgresStore { pool, location };
        store.refuse_newer().await?;
        MIGRATOR
            .run(&store.pool)
            .await
            .map_err(|e| Error::Migration(e.to_string()))?;
        Ok(store)
    }

    /// A schema written by a newer claims is refused before anything runs.
    async fn refuse_newer(&self) -> Result<()> {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        // A new database has no migrations table yet (and naming it in a
        // query that does not run would still fail to plan).
        let migrated: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| failure(e, &self.location))?;
        if !migrated {
            return Ok(());
        }
        let found: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| failure(e, &self.location))?;
        match found {
            Some(found) if found > known => Err(Error::TooNew {
                location: self.location.clone(),
                found,
                known,
            }),
            _ => Ok(()),
        }
    }

    /// The newest migration applied.
    pub async fn schema_version(&self) -> Result<i64> {
        sqlx::query_scalar("SELECT COALESCE(max(version), 0) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| failure(e, &self.location))
    }

    /// The database's UUID, given when its schema was created.
    pub async fn database_uuid(&self) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT value FROM database_info WHERE key = 'uuid'")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| failure(e, &self.location))
    }

    /// The database role this connection acts as: the `by` of its events.
    pub async fn role(&self) -> Result<String> {
        sqlx::query_scalar("SELECT current_user::text")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| failure(e, &self.location))
    }

    pub async fn close(self) {
        self.pool.close().await;
    }

    /// A transaction, READ COMMITTED: writers lock the rows they change.
    async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(|e| self.failed(e))
    }

    /// What went wrong, as one line naming this database.
    fn failed(&self, e: sqlx::Error) -> Error {
        failure(e, &self.location)
    }
}

/// The connection options of a URL. libpq's form with an empty host and
/// the socket directory as a parameter (`postgres://u@/db?host=/run/pg`),
/// which sqlx's parser rejects, is taken as the directory given as the
/// host (`postgres://u@%2Frun%2Fpg/db`).
pub fn connect_options(url: &str) -> Result<PgConnectOptions> {
    let url = socket_as_host(url);
    PgConnectOptions::from_str(&url).map_err(|e| Error::Invalid {
        field: "db",
        value: redact(&url),
        reason: e.to_string(),
    })
}

/// `scheme://user@/db?host=/dir&x=y` as `scheme://user@%2Fdir/db?x=y`.
fn socket_as_host(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (path_part, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = path_part
        .split_once('/')
        .map_or((path_part, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let socket = query
        .split('&')
        .find_map(|p| p.strip_prefix("host="))
        .filter(|h| h.starts_with('/'));
    let (true, Some(socket)) = (host.is_empty(), socket) else {
        return url.to_string();
    };
    let encoded = socket.replace('/', "%2F");
    let rest_query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("host="))
        .collect();
    let query = if rest_query.is_empty() {
        String::new()
    } else {
        format!("?{}", rest_query.join("&"))
    };
    format!("{scheme}://{authority}{encoded}/{path}{query}")
}

/// One line for what the server (or the way to it) said, naming the
/// database by its URL without the password.
fn failure(e: sqlx::Error, location: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        let message = db.message();
        return Error::Server(match db.code().as_deref() {
            // invalid_password, invalid_authorization_specification
            Some("28P01") | Some("28000") => {
                format!("the server at `{location}` refused the login: {message}")
            }
            // invalid_catalog_name
            Some("3D000") => format!(
                "{message} on the server at `{location}` (create it with `createdb`, or ask an admin)"
            ),
            // unique_violation: two writers raced for one name or key
            Some("23505") => {
                return Error::Conflict(format!("{message} (another writer was first; try again)"))
            }
            // insufficient_privilege
            Some("42501") => format!("permission denied on `{location}`: {message}"),
            _ => format!("the server at `{location}` said: {message}"),
        });
    }
    match e {
        sqlx::Error::Io(io) => Error::Server(format!(
            "cannot reach the PostgreSQL server of `{location}`: {io} (is it running?)"
        )),
        sqlx::Error::Tls(tls) => Error::Server(format!(
            "cannot open a TLS connection to `{location}`: {tls}"
        )),
        sqlx::Error::PoolTimedOut => Error::Server(format!(
            "timed out connecting to the PostgreSQL server of `{location}`"
        )),
        other => Error::Server(format!("`{location}`: {other}")),
    }
}

mod claims;
mod deadlines;
mod derived;
mod history;
mod queries;
mod reads;
mod sources;
mod statement;
#[cfg(test)]
mod tests;
