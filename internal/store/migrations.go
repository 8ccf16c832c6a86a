package store

// migrations is the schema history; migration i+1 is migrations[i].
//
// APPEND-ONLY: never edit, reorder or delete an entry once it has been
// released. Databases in the field have recorded the version of every script
// they ran, so a changed script would leave old and new databases with
// different schemas under the same version number. Fix mistakes with a new
// migration instead.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE reports (
	hash      TEXT PRIMARY KEY, -- sha256 of the input bytes
	converter TEXT NOT NULL,    -- ogi version that converted it
	file      TEXT NOT NULL,
	agency    TEXT NOT NULL,
	body      TEXT NOT NULL,    -- normalised body key
	year      INTEGER NULL,
	template  TEXT NOT NULL,
	document  BLOB NOT NULL,    -- canonical JSON, gzip-compressed
	created   TEXT NOT NULL
);
CREATE INDEX reports_body_year ON reports(body, year);

CREATE TABLE runs (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	ogi_version   TEXT NOT NULL,
	rules_hash    TEXT NOT NULL,
	config_digest TEXT NOT NULL,
	started       TEXT NOT NULL,
	finished      TEXT NULL,
	reports       INTEGER NOT NULL DEFAULT 0,
	converted     INTEGER NOT NULL DEFAULT 0,
	reused        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE results (
	report_hash   TEXT NOT NULL,
	rules_hash    TEXT NOT NULL,
	config_digest TEXT NOT NULL,
	prev_hash     TEXT NOT NULL, -- '' when no previous report
	run_id        INTEGER NULL REFERENCES runs(id),
	score         REAL NULL,
	grade         TEXT NOT NULL,
	errors        INTEGER NOT NULL,
	warnings      INTEGER NOT NULL,
	summary       BLOB NOT NULL, -- the per-file JSON result, gzip
	PRIMARY KEY (report_hash, rules_hash, config_digest, prev_hash)
);

CREATE TABLE findings (
	report_hash   TEXT NOT NULL,
	rules_hash    TEXT NOT NULL,
	config_digest TEXT NOT NULL,
	prev_hash     TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	rule          TEXT NOT NULL,
	severity      TEXT NOT NULL,
	status        TEXT NOT NULL,
	message       TEXT NOT NULL,
	cells         TEXT NOT NULL,
	PRIMARY KEY (report_hash, rules_hash, config_digest, prev_hash, seq)
);
`,
	// 2: per-rule queries across a batch, and overrides of body identity.
	`
CREATE INDEX findings_rule ON findings(rule);

CREATE TABLE bodies (
	body TEXT PRIMARY KEY,
	name TEXT NOT NULL
);
`,
	// 3: the narrative's MinHash signature, so that a re-run finds near-
	// duplicate reports (内容雷同) without reading the documents back.
	`
ALTER TABLE reports ADD COLUMN signature BLOB NULL;
`,
	// 4: narrative similarity of pairs of reports, so that a re-run does
	// not read documents back to confirm the same pairs again.
	`
CREATE TABLE pairs (
	a     TEXT NOT NULL, -- report hashes, a < b
	b     TEXT NOT NULL,
	score REAL NOT NULL,
	PRIMARY KEY (a, b)
) WITHOUT ROWID;
`,
	// 5: inputs that hold no report (a scan, an empty file, a text that is
	// not an annual report) are kept with their reason, so that a re-run
	// knows them as unreadable without converting them again.
	`
ALTER TABLE reports ADD COLUMN unreadable TEXT NOT NULL DEFAULT '';
`,
	// 6: the office's decisions about findings (issue #14), kept across
	// runs by the finding's identity; cells is the digest of the cell
	// values decided on, so a changed report reopens the decision.
	`
CREATE TABLE decisions (
	finding  TEXT PRIMARY KEY,
	cells    TEXT NOT NULL,
	verdict  TEXT NOT NULL,
	reason   TEXT NOT NULL,
	reviewer TEXT NOT NULL,
	decided  TEXT NOT NULL,
	source   TEXT NOT NULL  -- the sheet the decision was read from
) WITHOUT ROWID;
`,
	// 7: the accounts of `ogi serve` (issue #15). name_key is the
	// normalised name (NameKey) that makes names unique regardless of case;
	// sessions and API tokens are kept by the SHA-256 of the token only, so
	// a copy of the file lets nobody log in; the audit log is append-only,
	// enforced here as well as by the store having no method to change it.
	`
CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT NOT NULL,        -- as the user typed it
	name_key      TEXT NOT NULL UNIQUE, -- NameKey(name)
	display       TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,        -- argon2id PHC string
	created       TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
	hash    TEXT PRIMARY KEY, -- sha256 hex of the cookie's token
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created TEXT NOT NULL,
	expires TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE api_tokens (
	hash    TEXT PRIMARY KEY, -- sha256 hex of the token
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name    TEXT NOT NULL,
	created TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	remote TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
	// 8: the server's batches — what an office uploaded to
	// assess together, in upload order, and how far its last run got, so
	// that a restarted server resumes a run that was under way. An item
	// names its original by content hash; the same file twice in a batch is
	// one item.
	`
CREATE TABLE batches (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	name         TEXT NOT NULL,
	year         INTEGER NOT NULL,
	profile      TEXT NOT NULL,
	jurisdiction TEXT NOT NULL,
	roster_name  TEXT NOT NULL,
	roster       BLOB NULL,
	created_by   TEXT NOT NULL,
	created      TEXT NOT NULL,
	state        TEXT NOT NULL,
	phase        TEXT NOT NULL DEFAULT '',
	done         INTEGER NOT NULL DEFAULT 0,
	total        INTEGER NOT NULL DEFAULT 0,
	error        TEXT NOT NULL DEFAULT '',
	started      TEXT NOT NULL DEFAULT '',
	finished     TEXT NOT NULL DEFAULT '',
	runs         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX batches_state ON batches(state);

CREATE TABLE batch_items (
	batch  INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
	seq    INTEGER NOT NULL,
	name   TEXT NOT NULL,
	blob   TEXT NOT NULL,
	size   INTEGER NOT NULL,
	source TEXT NOT NULL,
	added  TEXT NOT NULL,
	PRIMARY KEY (batch, seq),
	UNIQUE (batch, blob)
) WITHOUT ROWID;
`,
	// 9: who is responsible for a
	// finding's 整改 and by when, and every decision kept as it was made,
	// undone ones too, so that an office can say who decided what when.
	// The decisions already made start the history.
	`
ALTER TABLE decisions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN due TEXT NOT NULL DEFAULT ''; -- YYYY-MM-DD or ''

CREATE TABLE decision_history (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	finding  TEXT NOT NULL,
	cells    TEXT NOT NULL,
	verdict  TEXT NOT NULL, -- 'withdrawn' when the decision was undone
	reason   TEXT NOT NULL,
	reviewer TEXT NOT NULL,
	decided  TEXT NOT NULL,
	source   TEXT NOT NULL,
	owner    TEXT NOT NULL,
	due      TEXT NOT NULL
);
CREATE INDEX decision_history_finding ON decision_history(finding, id);

INSERT INTO decision_history (finding, cells, verdict, reason, reviewer, decided, source, owner, due)
	SELECT finding, cells, verdict, reason, reviewer, decided, source, owner, due FROM decisions ORDER BY decided, finding;
`,
	// 10: what an administrator of ogi serve keeps for the office's
	// batches: scoring profiles (YAML) and rosters (CSV), by kind and name;
	// a batch copies what it uses, so a later change does not alter a
	// finished batch.
	`
CREATE TABLE library (
	kind       TEXT NOT NULL, -- profile or roster
	name       TEXT NOT NULL,
	data       BLOB NOT NULL,
	created_by TEXT NOT NULL,
	created    TEXT NOT NULL,
	PRIMARY KEY (kind, name)
) WITHOUT ROWID;
`,
}
