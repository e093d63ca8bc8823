//! `claims grant` on PostgreSQL: three group roles per database
//! (`claims_<database>_read`, `_write`, `_admin`, made on first use), each
//! with the rights of its level, and login roles made members of one.
//! Writers may append to the history but are granted no UPDATE or DELETE
//! on it (a claim's removal takes its events by cascade, as the owner).

use sqlx::postgres::PgConnection;

use super::PostgresStore;
use crate::store::{AccessLevel, Grant, StoreError as Error, StoreResult as Result};

use super::Sql;

/// A name quoted as an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// This database's group role for a level.
fn group(database: &str, level: AccessLevel) -> String {
    format!("claims_{database}_{}", level.as_str())
}

const GRANTABLE: [AccessLevel; 3] = [AccessLevel::Read, AccessLevel::Write, AccessLevel::Admin];

/// Tables a writer may not change: the history (appended to only), and
/// what migrations and `init` write.
const WRITE_PROTECTED: &str = "events, _sqlx_migrations, database_info";

/// The statements that give each group its rights (idempotent).
fn rights(database: &str) -> Vec<String> {
    let [read, write, admin] = GRANTABLE.map(|l| ident(&group(database, l)));
    let db = ident(database);
    vec![
        format!("GRANT CONNECT ON DATABASE {db} TO {read}"),
        format!("GRANT USAGE ON SCHEMA public TO {read}"),
        format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {read}"),
        format!("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {read}"),
        format!("GRANT {read} TO {write}"),
        format!("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {write}"),
        format!("REVOKE INSERT, UPDATE, DELETE ON {WRITE_PROTECTED} FROM {write}"),
        format!("GRANT INSERT ON events TO {write}"),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {write}"),
        format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES \
             TO {write}"
        ),
        format!("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO {write}"),
        format!("GRANT {write} TO {admin}"),
        format!("GRANT {read}, {write} TO {admin} WITH ADMIN OPTION"),
    ]
}

async fn role_exists(conn: &mut PgConnection, role: &str) -> Sql<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(role)
        .fetch_one(&mut *conn)
        .await
}

impl PostgresStore {
    /// Makes `role` a member of this database's group for `level` (and of
    /// no other), creating the groups and their rights first.
    pub async fn grant(&self, role: &str, level: AccessLevel) -> Result<()> {
        let fail = |e| self.failed_granting(e);
        let mut tx = self.begin().await?;
        if !role_exists(&mut tx, role).await.map_err(fail)? {
            return Err(Error::NotFound {
                what: "database role",
                key: format!(
                    "`{role}` (create it first: CREATE ROLE {} LOGIN PASSWORD '…')",
                    ident(role)
                ),
            });
        }
        let database: String = sqlx::query_scalar("SELECT current_database()::text")
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
        for l in GRANTABLE {
            let name = group(&database, l);
            if !role_exists(&mut tx, &name).await.map_err(fail)? {
                sqlx::query(&format!("CREATE ROLE {} NOLOGIN", ident(&name)))
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
            }
        }
        for statement in rights(&database) {
            sqlx::query(&statement)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        for l in GRANTABLE {
            let verb = if l == level { "GRANT" } else { "REVOKE" };
            let (to, from) = if l == level { ("TO", "") } else { ("", "FROM") };
            sqlx::query(&format!(
                "{verb} {} {to}{from} {}",
                ident(&group(&database, l)),
                ident(role)
            ))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        Ok(())
    }

    /// The owner, and every member of this database's groups, by name.
    pub async fn grants(&self) -> Result<Vec<Grant>> {
        let fail = |e| self.failed(e);
        let database: String = sqlx::query_scalar("SELECT current_database()::text")
            .fetch_one(&self.pool)
            .await
            .map_err(fail)?;
        let mut out = vec![Grant {
            role: sqlx::query_scalar(
                "SELECT pg_get_userbyid(datdba)::text FROM pg_database \
                 WHERE datname = current_database()",
            )
            .fetch_one(&self.pool)
            .await
            .map_err(fail)?,
            level: AccessLevel::Owner,
        }];
        let groups: Vec<String> = GRANTABLE.iter().map(|l| group(&database, *l)).collect();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.rolname::text, g.rolname::text FROM pg_auth_members a \
             JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member \
             WHERE g.rolname = ANY($1) AND NOT m.rolname = ANY($1) ORDER BY 1, 2",
        )
        .bind(&groups)
        .fetch_all(&self.pool)
        .await
        .map_err(fail)?;
        for (role, group_name) in rows {
            let level = GRANTABLE
                .into_iter()
                .find(|l| group(&database, *l) == group_name)
                .unwrap_or(AccessLevel::Read);
            match out.iter_mut().find(|g| g.role == role) {
                Some(g) => g.level = g.level.max(level),
                None => out.push(Grant { role, level }),
            }
        }
        out[1..].sort_by(|a, b| a.role.cmp(&b.role));
        Ok(out)
    }

    /// A grant refused: only an admin (the owner, or a role that may
    /// create roles) may grant.
    fn failed_granting(&self, e: sqlx::Error) -> Error {
        match self.failed(e) {
            Error::Denied(_) => Error::Denied(format!(
                "your database role `{}` may not grant rights on this database: the database's \
                 owner (or a role with CREATEROLE) runs `claims grant`",
                self.role
            )),
            other => other,
        }
    }
}
