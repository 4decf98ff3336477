package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/probe"
)

// The database is bbolt: one file, pure Go, ACID transactions with a
// crash-safe copy-on-write B+tree, and nothing to run beside the server.
// Results are read by id and history by a key prefix; there are no queries
// that would want SQL.

const (
	storeFile    = "tlsdoctor.db"
	storeVersion = "1"
)

var (
	bucketMeta     = []byte("meta")
	bucketResults  = []byte("results")
	bucketHistory  = []byte("history")
	bucketRecent   = []byte("recent") // creation time + id, for the newest first
	bucketScans    = []byte("scans")
	bucketScanRows = []byte("scan_rows")  // per scan: line -> the row with its document
	bucketScanIdx  = []byte("scan_index") // per scan: cause, 0, line -> the row without it
)

// Store keeps results, history and uploaded scans.
type Store struct {
	db        *bolt.DB
	path      string
	retention time.Duration
	now       func() time.Time
}

// Record is one stored check.
type Record struct {
	ID       string      `json:"id"`
	Created  time.Time   `json:"created"`
	Source   string      `json:"source"` // "page" or "api"
	Request  RequestInfo `json:"request"`
	JudgedAt time.Time   `json:"judged_at"`
	Duration float64     `json:"duration_ms"`
	// Diagnosis is the `check --json` document; Clients the `check
	// --clients --json` one.
	Diagnosis *diagnose.Diagnosis    `json:"diagnosis,omitempty"`
	Clients   *diagnose.ClientMatrix `json:"clients,omitempty"`
	// Artifacts are the files that fix the problem (check --write-fix).
	Artifacts []Artifact `json:"artifacts,omitempty"`
}

// Artifact is a file that fixes the problem, e.g. the full chain to serve.
type Artifact struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Data        []byte `json:"data"`
}

// RequestInfo is what was asked.
type RequestInfo struct {
	Target     string   `json:"target"`
	Profile    string   `json:"profile"`
	Connect    []string `json:"connect,omitempty"`
	ServerName string   `json:"servername,omitempty"`
	Clients    bool     `json:"clients,omitempty"`
	Server     bool     `json:"server,omitempty"`
	// CAs names the uploaded CA certificates (subjects), if any.
	CAs []string `json:"cas,omitempty"`
}

// historyKey identifies a target as checked: the same target (written
// any way that parses the same), client and addresses.
func (q RequestInfo) historyKey() string {
	target := q.Target
	if t, err := probe.ParseTarget(q.Target); err == nil {
		target = fmt.Sprintf("%s://%s%s", t.Scheme, probe.HostPort(t.Host, t.Port), t.Path)
	}
	var connect []string
	for _, c := range q.Connect {
		for _, x := range strings.Split(c, ",") {
			if x = strings.TrimSpace(x); x != "" {
				connect = append(connect, x)
			}
		}
	}
	sort.Strings(connect)
	return strings.Join([]string{target, q.Profile, strings.Join(connect, ","), strings.ToLower(q.ServerName)}, "\x1f")
}

// Cause is the record's primary cause: the diagnosis's, or for a clients
// check alone, OK when every client works and the commonest failure
// otherwise.
func (r *Record) Cause() cause.Code {
	if r.Diagnosis != nil {
		return r.Diagnosis.Cause
	}
	if r.Clients != nil {
		return commonestFailure(r.Clients)
	}
	return ""
}

func commonestFailure(m *diagnose.ClientMatrix) cause.Code {
	best, n := cause.OK, 0
	for c, ids := range m.ByCause {
		if c == cause.OK {
			continue
		}
		if len(ids) > n || len(ids) == n && c < best {
			best, n = c, len(ids)
		}
	}
	return best
}

// HistoryEntry is one check of a target.
type HistoryEntry struct {
	ID      string     `json:"id"`
	Created time.Time  `json:"created"`
	Cause   cause.Code `json:"cause"`
}

// OpenStore opens (or creates) the database in dir. A database that cannot
// be read is moved aside and a new one created; the warning says so. Data
// older than retention is deleted by Prune.
func OpenStore(dir string, retention time.Duration) (s *Store, warning string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, storeFile)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		warning = fmt.Sprintf("no database at %s: created a new one", path)
	}
	db, err := openChecked(path)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, "", fmt.Errorf("%s is in use by another process (another tlsdoctor serve?)", path)
		}
		var ce *corruptError
		if !errors.As(err, &ce) {
			return nil, "", err
		}
		aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(path, aside); rerr != nil {
			return nil, "", fmt.Errorf("%s cannot be read (%v) nor moved aside: %v", path, err, rerr)
		}
		warning = fmt.Sprintf("the database %s could not be read (%v): moved it to %s and created a new one", path, ce.err, aside)
		if db, err = openChecked(path); err != nil {
			return nil, "", err
		}
	}
	return &Store{db: db, path: path, retention: retention, now: time.Now}, warning, nil
}

type corruptError struct{ err error }

func (e *corruptError) Error() string { return "corrupt database: " + e.err.Error() }

// openChecked opens path, checks its pages and its buckets, and creates
// the buckets of a new database. A failed check is a *corruptError.
func openChecked(path string) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			db, err = nil, &corruptError{fmt.Errorf("%v", r)}
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) || errors.Is(err, os.ErrPermission) {
			return nil, err
		}
		return nil, &corruptError{err}
	}
	var problems []string
	err = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			problems = append(problems, e.Error())
			if len(problems) > 3 {
				break
			}
		}
		return nil
	})
	if err == nil && len(problems) > 0 {
		err = errors.New(strings.Join(problems, "; "))
	}
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			if v := meta.Get([]byte("version")); v == nil {
				if tx.Bucket(bucketResults) != nil {
					return errors.New("no version in a used database")
				}
				if err := meta.Put([]byte("version"), []byte(storeVersion)); err != nil {
					return err
				}
			} else if string(v) != storeVersion {
				return fmt.Errorf("database version %q, this tlsdoctor writes %q", v, storeVersion)
			}
			for _, b := range [][]byte{bucketResults, bucketHistory, bucketRecent, bucketScans, bucketScanRows, bucketScanIdx} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		db.Close()
		return nil, &corruptError{err}
	}
	return db, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// newID returns an unguessable id for a permalink.
func newID() string {
	var b [10]byte
	rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

func tsKey(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano()))
	return b[:]
}

// Put stores r, giving it an id and a creation time, and adds it to its
// target's history.
func (s *Store) Put(r *Record) error {
	r.ID = newID()
	r.Created = s.now().UTC()
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketResults).Put([]byte(r.ID), data); err != nil {
			return err
		}
		h, _ := json.Marshal(HistoryEntry{ID: r.ID, Created: r.Created, Cause: r.Cause()})
		if err := tx.Bucket(bucketRecent).Put(append(tsKey(r.Created), r.ID...), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketHistory).Put(historyKey(r.Request.historyKey(), r.Created, r.ID), h)
	})
}

func historyKey(target string, t time.Time, id string) []byte {
	k := append([]byte(target), 0)
	k = append(k, tsKey(t)...)
	return append(k, id...)
}

// ErrNotFound is an id the store does not hold (never, or no longer).
var ErrNotFound = errors.New("not found")

// Get returns the record with the given id.
func (s *Store) Get(id string) (*Record, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	var r Record
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketResults).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// History returns the checks of q's target, oldest first, at most limit
// (the newest).
func (s *Store) History(q RequestInfo, limit int) ([]HistoryEntry, error) {
	prefix := append([]byte(q.historyKey()), 0)
	var out []HistoryEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketHistory).Cursor()
		// Walk back from the end of the prefix range.
		end := append(append([]byte(nil), prefix...), 0xff)
		k, v := c.Seek(end)
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
			var e HistoryEntry
			if json.Unmarshal(v, &e) == nil {
				out = append(out, e)
			}
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// Recent returns the newest records, newest first.
func (s *Store) Recent(limit int) ([]*Record, error) {
	var out []*Record
	err := s.db.View(func(tx *bolt.Tx) error {
		res := tx.Bucket(bucketResults)
		c := tx.Bucket(bucketRecent).Cursor()
		for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
			if len(k) < 8 {
				continue
			}
			var r Record
			if v := res.Get(k[8:]); v != nil && json.Unmarshal(v, &r) == nil {
				out = append(out, &r)
			}
		}
		return nil
	})
	return out, err
}

// Prune deletes what is older than the retention and reports how many
// results and scans it deleted.
func (s *Store) Prune() (results, scans int, err error) {
	if s.retention <= 0 {
		return 0, 0, nil
	}
	cutoff := s.now().Add(-s.retention)
	err = s.db.Update(func(tx *bolt.Tx) error {
		res := tx.Bucket(bucketResults)
		hist := tx.Bucket(bucketHistory)
		var dead [][]byte
		hist.ForEach(func(k, v []byte) error {
			var e HistoryEntry
			if json.Unmarshal(v, &e) != nil || e.Created.Before(cutoff) {
				dead = append(dead, append([]byte(nil), k...))
				if e.ID != "" {
					res.Delete([]byte(e.ID))
					results++
				}
			}
			return nil
		})
		for _, k := range dead {
			if err := hist.Delete(k); err != nil {
				return err
			}
		}
		rec := tx.Bucket(bucketRecent)
		c := rec.Cursor()
		for k, _ := c.First(); k != nil && len(k) >= 8 && binary.BigEndian.Uint64(k) < uint64(cutoff.UnixNano()); k, _ = c.First() {
			res.Delete(k[8:])
			if err := rec.Delete(k); err != nil {
				return err
			}
		}
		sc := tx.Bucket(bucketScans)
		var deadScans [][]byte
		sc.ForEach(func(k, v []byte) error {
			var m ScanSummary
			if json.Unmarshal(v, &m) != nil || m.Created.Before(cutoff) {
				deadScans = append(deadScans, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range deadScans {
			sc.Delete(k)
			if err := deleteScanRows(tx, k); err != nil {
				return err
			}
			scans++
		}
		return nil
	})
	return results, scans, err
}
