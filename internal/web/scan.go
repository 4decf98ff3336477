package web

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// A scan upload is NDJSON as `tlsdoctor scan --json` writes it: one
// `check --json` document per line (a Diagnosis, or with --clients a
// ClientMatrix) plus "target" and "source" (file:line of the target list).
// A line that reports an error instead carries "error".

// MaxScanLine bounds one NDJSON line.
const MaxScanLine = 8 << 20

// maxBadLines bounds how many unreadable lines a scan summary lists.
const maxBadLines = 20

// ScanSummary describes an uploaded scan.
type ScanSummary struct {
	ID      string             `json:"id"`
	Created time.Time          `json:"created"`
	Name    string             `json:"name"` // the uploaded file's name
	Lines   int                `json:"lines"`
	Rows    int                `json:"rows"`
	ByCause map[cause.Code]int `json:"by_cause"`
	Errors  int                `json:"errors"` // targets the scan could not check
	Bad     []BadLine          `json:"bad,omitempty"`
	BadN    int                `json:"bad_count"`
}

// BadLine is a line that is not a scan result.
type BadLine struct {
	Line int    `json:"line"`
	Err  string `json:"error"`
}

// ScanRow is one target of a scan.
type ScanRow struct {
	Line       int             `json:"line"`
	Target     string          `json:"target"`
	Source     string          `json:"source,omitempty"`
	Profile    string          `json:"profile,omitempty"`
	Cause      cause.Code      `json:"cause,omitempty"`
	Summary    string          `json:"summary,omitempty"`
	Confidence string          `json:"confidence,omitempty"`
	Error      string          `json:"error,omitempty"`
	Clients    int             `json:"clients,omitempty"` // a clients line: how many clients
	Failing    int             `json:"failing,omitempty"` // and how many fail
	Doc        json.RawMessage `json:"doc"`
}

// scanLine is the union of the shapes a line may have.
type scanLine struct {
	diagnose.Diagnosis
	Source  string                   `json:"source"`
	Error   string                   `json:"error"`
	Clients []diagnose.ClientVerdict `json:"clients"`
	ByCause map[cause.Code][]string  `json:"by_cause"`
}

// parseScanLine reads one line; ok is false for a blank line.
func parseScanLine(n int, b []byte) (ScanRow, bool, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ScanRow{}, false, nil
	}
	if b[0] != '{' {
		return ScanRow{}, true, errors.New("not a JSON object")
	}
	var l scanLine
	if err := json.Unmarshal(b, &l); err != nil {
		return ScanRow{}, true, fmt.Errorf("not JSON: %v", err)
	}
	if l.Target == "" {
		return ScanRow{}, true, errors.New(`no "target"`)
	}
	row := ScanRow{Line: n, Target: l.Target, Source: l.Source, Profile: l.Profile, Error: l.Error}
	switch {
	case l.Error != "":
	case l.Clients != nil:
		m := diagnose.NewClientMatrix(l.Target, l.Clients)
		row.Clients, row.Failing = len(l.Clients), m.Failing()
		row.Cause = commonestFailure(m)
		row.Summary = fmt.Sprintf("%d of %d clients fail", row.Failing, row.Clients)
	case l.Cause != "":
		row.Cause, row.Summary, row.Confidence = l.Cause, l.Summary, string(l.Confidence)
	default:
		return ScanRow{}, true, errors.New(`neither "cause", "clients" nor "error": not a check --json document`)
	}
	var compact bytes.Buffer
	json.Compact(&compact, b)
	row.Doc = compact.Bytes()
	return row, true, nil
}

// PutScan reads an NDJSON scan from r and stores it. Unreadable lines are
// counted and listed (the first few), never fatal; a file with no result
// at all is an error.
func (s *Store) PutScan(name string, r io.Reader) (*ScanSummary, error) {
	sum := &ScanSummary{ID: newID(), Created: s.now().UTC(), Name: name, ByCause: map[cause.Code]int{}}
	br := bufio.NewReaderSize(r, 64<<10)
	var batch []ScanRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			b, err := tx.Bucket(bucketScanRows).CreateBucketIfNotExists([]byte(sum.ID))
			if err != nil {
				return err
			}
			idx, err := tx.Bucket(bucketScanIdx).CreateBucketIfNotExists([]byte(sum.ID))
			if err != nil {
				return err
			}
			for _, row := range batch {
				data, _ := json.Marshal(row)
				if err := b.Put(lineKey(row.Line), data); err != nil {
					return err
				}
				row.Doc = nil
				data, _ = json.Marshal(row)
				if err := idx.Put(indexKey(row.Cause, row.Error != "", row.Line), data); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	for {
		line, err := readLimitedLine(br, MaxScanLine)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errLongLine) {
			return nil, err
		}
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		sum.Lines++
		if errors.Is(err, errLongLine) {
			sum.bad(sum.Lines, fmt.Sprintf("longer than %d MiB", MaxScanLine>>20))
			continue
		}
		row, ok, perr := parseScanLine(sum.Lines, line)
		if perr != nil {
			sum.bad(sum.Lines, perr.Error())
		} else if ok {
			sum.Rows++
			if row.Error != "" {
				sum.Errors++
			} else {
				sum.ByCause[row.Cause]++
			}
			batch = append(batch, row)
			if len(batch) >= 500 {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if sum.Rows == 0 {
		s.db.Update(func(tx *bolt.Tx) error { return deleteScanRows(tx, []byte(sum.ID)) })
		msg := "no result lines"
		if len(sum.Bad) > 0 {
			msg += fmt.Sprintf(" (line %d: %s)", sum.Bad[0].Line, sum.Bad[0].Err)
		}
		return nil, &inputError{msg + ": a scan upload is the NDJSON of tlsdoctor scan --json, one check --json document per line"}
	}
	data, _ := json.Marshal(sum)
	err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketScans).Put([]byte(sum.ID), data) })
	return sum, err
}

type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// Failing counts the targets checked with a cause other than OK.
func (s *ScanSummary) Failing() int {
	n := 0
	for c, k := range s.ByCause {
		if c != cause.OK {
			n += k
		}
	}
	return n
}

func (s *ScanSummary) bad(line int, msg string) {
	s.BadN++
	if len(s.Bad) < maxBadLines {
		s.Bad = append(s.Bad, BadLine{line, msg})
	}
}

var errLongLine = errors.New("line too long")

// readLimitedLine reads a line of at most max bytes; a longer one is
// skipped to its end and reported as errLongLine.
func readLimitedLine(br *bufio.Reader, max int) ([]byte, error) {
	var out []byte
	long := false
	for {
		frag, err := br.ReadSlice('\n')
		if !long {
			if len(out)+len(frag) > max {
				long, out = true, nil
			} else {
				out = append(out, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if long {
			return nil, errLongLine
		}
		return out, err
	}
}

// deleteScanRows deletes a scan's rows and their index.
func deleteScanRows(tx *bolt.Tx, id []byte) error {
	for _, name := range [][]byte{bucketScanRows, bucketScanIdx} {
		if b := tx.Bucket(name); b.Bucket(id) != nil {
			if err := b.DeleteBucket(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexKey orders a scan's rows by cause, then line; the rows the scan
// could not check come under a prefix no cause has.
func indexKey(c cause.Code, failed bool, line int) []byte {
	return append(indexPrefix(c, failed), lineKey(line)...)
}

func indexPrefix(c cause.Code, failed bool) []byte {
	if failed {
		return []byte{0}
	}
	return append([]byte(c), 0)
}

func lineKey(n int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

// Scan returns an uploaded scan's summary.
func (s *Store) Scan(id string) (*ScanSummary, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	var sum ScanSummary
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketScans).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &sum)
	})
	if err != nil {
		return nil, err
	}
	return &sum, nil
}

// Scans lists the uploaded scans, newest first.
func (s *Store) Scans() ([]*ScanSummary, error) {
	var out []*ScanSummary
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketScans).ForEach(func(k, v []byte) error {
			var sum ScanSummary
			if json.Unmarshal(v, &sum) == nil {
				sum.Bad = nil
				out = append(out, &sum)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, err
}

// ScanRows returns the rows of a scan with the given cause (errorsOnly:
// the targets the scan could not check), in line order, skipping offset and
// returning at most limit, and how many there are in all. Only the index
// entries of that cause are read.
func (s *Store) ScanRows(id string, c cause.Code, errorsOnly bool, offset, limit int) ([]ScanRow, int, error) {
	var out []ScanRow
	total := 0
	prefix := indexPrefix(c, errorsOnly)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketScanIdx).Bucket([]byte(id))
		if b == nil {
			return ErrNotFound
		}
		cur := b.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, v = cur.Next() {
			total++
			if total <= offset || len(out) >= limit {
				continue
			}
			var row ScanRow
			if json.Unmarshal(v, &row) == nil {
				out = append(out, row)
			}
		}
		return nil
	})
	return out, total, err
}

// ScanRow returns one row of a scan, with its document.
func (s *Store) ScanRow(id string, line int) (*ScanRow, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	var row ScanRow
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketScanRows).Bucket([]byte(id))
		if b == nil {
			return ErrNotFound
		}
		v := b.Get(lineKey(line))
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &row)
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}
