package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is the SQL engine behind a Store. The queries are written once,
// in the subset both engines accept, with '?' placeholders; what still
// differs (placeholders, DDL, row locks) is decided here and in the
// migrations.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// db is a connection pool that speaks the Store's SQL: it rewrites '?'
// placeholders into PostgreSQL's $n, so that every query has one text, and
// cleans the text arguments of every statement (cleanArgs), so that text
// PostgreSQL would refuse is stored, and stored the same on both engines.
type db struct {
	*sql.DB
	dialect dialect
}

// txn is a transaction of a db, rewriting placeholders and cleaning
// arguments the same way.
type txn struct {
	*sql.Tx
	dialect dialect
}

func (d *db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, d.dialect.rebind(q), cleanArgs(args)...)
}

func (d *db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, d.dialect.rebind(q), cleanArgs(args)...)
}

func (d *db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, d.dialect.rebind(q), cleanArgs(args)...)
}

// Exec, Query and QueryRow are the context-free forms the tests use.
func (d *db) Exec(q string, args ...any) (sql.Result, error) {
	return d.ExecContext(context.Background(), q, args...)
}

func (d *db) Query(q string, args ...any) (*sql.Rows, error) {
	return d.QueryContext(context.Background(), q, args...)
}

func (d *db) QueryRow(q string, args ...any) *sql.Row {
	return d.QueryRowContext(context.Background(), q, args...)
}

// BeginTx starts a transaction whose statements are rewritten like d's.
func (d *db) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	t, err := d.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: t, dialect: d.dialect}, nil
}

func (t *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.dialect.rebind(q), cleanArgs(args)...)
}

// execCleaned is ExecContext for arguments already cleaned (cleanArgs),
// as the Writer's are in the goroutines that queue them.
func (t *txn) execCleaned(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.dialect.rebind(q), args...)
}

func (t *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.dialect.rebind(q), cleanArgs(args)...)
}

func (t *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.dialect.rebind(q), cleanArgs(args)...)
}

// forUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends. SQLite needs none: a write transaction there is
// BEGIN IMMEDIATE, which already excludes every other writer.
func (d dialect) forUpdate() string {
	if d == postgresDialect {
		return " FOR UPDATE"
	}
	return ""
}

// rebind turns the '?' placeholders of q into $1, $2, … for PostgreSQL.
// A '?' inside a quoted string, a quoted identifier or a comment is left
// alone (PostgreSQL's jsonb operators are not used here).
func (d dialect) rebind(q string) string {
	if d != postgresDialect || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+1])
			i += j
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
