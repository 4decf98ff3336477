package explain

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// A log is read record by record. A record is one line, or a multi-line
// stack trace joined into one (Java "at ..." and "Caused by:" lines, .NET
// "--->" inner exceptions, Python tracebacks), or one event of a JSON log
// export (CloudWatch, OCI Logging, Kubernetes/Docker json-file, any
// newline-delimited JSON), whose string fields are joined.

// Limits that bound the memory one record can take.
const (
	// MaxLine is the longest line read; the rest of a longer line is
	// skipped, and the summary counts it (CutLines).
	MaxLine        = 1 << 20
	maxRecordLines = 400
	// maxEvent bounds one event of a JSON document.
	maxEvent = 8 << 20
)

// Group is the records that share candidate causes, endpoint and stack.
type Group struct {
	Count     int     `json:"count"`
	FirstLine int     `json:"first_line"`
	LastLine  int     `json:"last_line"`
	Result    *Result `json:"explanation"` // of the first record
}

// Key is what the group shares.
func (g *Group) Key() string { return groupKey(g.Result) }

// Summary is what a log holds.
type Summary struct {
	SchemaVersion int    `json:"schema_version"`
	Format        string `json:"format"` // text, ndjson or json
	Lines         int    `json:"lines"`
	Records       int    `json:"records"`
	Recognised    int    `json:"recognised"`
	// Unrecognised counts records that mention TLS words and state a
	// failure but match no pattern; Samples holds the first few.
	Unrecognised int      `json:"unrecognised"`
	Samples      []string `json:"unrecognised_samples,omitempty"`
	// CutLines counts lines longer than MaxLine, of which only the first
	// MaxLine bytes were read; FirstCut is the first one's number.
	CutLines int `json:"cut_lines"`
	FirstCut int `json:"first_cut_line,omitempty"`
	// BinaryLines counts the lines (or JSON events) skipped because most of
	// their bytes are not text; FirstBinary is the first one's number.
	BinaryLines int      `json:"binary_lines"`
	FirstBinary int      `json:"first_binary_line,omitempty"`
	Groups      []*Group `json:"groups"`
}

// Progress is told how far reading has got.
type Progress func(lines int, bytes int64)

// ReadLog reads a log from r and explains every record.
func ReadLog(r io.Reader, progress Progress) (*Summary, error) {
	s := &Summary{SchemaVersion: SchemaVersion, Format: "text"}
	groups := map[string]*Group{}
	var ctx logContext
	// add explains one record; text is set when its lines were found to be
	// text already.
	add := func(line int, rec string, text bool) {
		if !text && Binary(rec) {
			s.binary(line)
			return
		}
		s.Records++
		res := explainText(rec)
		if !res.Matched {
			ctx.observe(rec)
			if Mentions(rec) && StatesFailure(rec) {
				s.Unrecognised++
				if len(s.Samples) < 5 {
					s.Samples = append(s.Samples, Clip(rec, 300))
				}
			}
			return
		}
		ctx.fill(rec, res)
		s.Recognised++
		k := groupKey(res)
		g := groups[k]
		if g == nil {
			g = &Group{FirstLine: line, Result: res}
			groups[k] = g
			s.Groups = append(s.Groups, g)
		}
		g.Count++
		g.LastLine = line
	}
	cr := &countReader{r: r, progress: progress}
	br := bufio.NewReaderSize(cr, 64<<10)
	first, _ := br.Peek(512)
	first = bytes.TrimLeft(first, " \t\r\n\ufeff")
	var err error
	switch {
	case len(first) > 0 && (first[0] == '[' || first[0] == '{') && !Binary(first) && document(br):
		s.Format = "json"
		err = readJSONDocument(br, cr, add)
	default:
		err = readLines(br, cr, s, add)
	}
	s.Lines = cr.lines
	if progress != nil {
		progress(cr.lines, cr.n)
	}
	sort.SliceStable(s.Groups, func(i, j int) bool { return s.Groups[i].Count > s.Groups[j].Count })
	return s, err
}

// document reports whether the input, which starts with '{' or '[', is one
// JSON document (a pretty-printed export) rather than newline-delimited
// JSON: its first line is short and not a whole JSON value. A first line
// longer than the read buffer is a line of NDJSON (or one giant line), read
// as lines so that memory stays bounded and every later line is read.
func document(br *bufio.Reader) bool {
	buf, _ := br.Peek(br.Size())
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		if len(buf) == br.Size() {
			return false // the first line is longer than the buffer
		}
	} else {
		buf = buf[:i]
	}
	return !json.Valid(bytes.TrimSpace(bytes.TrimLeft(buf, "\ufeff")))
}

type countReader struct {
	r        io.Reader
	n        int64
	lines    int
	progress Progress
	next     int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && c.n >= c.next {
		c.next = c.n + 4<<20
		c.progress(c.lines, c.n)
	}
	return n, err
}

// binary counts a skipped binary line.
func (s *Summary) binary(line int) {
	s.BinaryLines++
	if s.FirstBinary == 0 {
		s.FirstBinary = line
	}
}

func readLines(br *bufio.Reader, cr *countReader, s *Summary, add func(int, string, bool)) error {
	// The record is built in one buffer reused from record to record; a
	// line is looked at in place (bufio's slice), so a record costs one
	// string, made when it is complete.
	var rec, scratch []byte
	recLine, recLines, inTraceback := 0, 0, false
	flush := func() {
		if len(rec) > 0 {
			add(recLine, string(rec), true)
		}
		rec = rec[:0]
		recLines, inTraceback = 0, false
	}
	for {
		line, cut, err := readLine(br, &scratch)
		if len(line) > 0 || err == nil {
			cr.lines++
			if cut {
				s.CutLines++
				if s.FirstCut == 0 {
					s.FirstCut = cr.lines
				}
			}
			text := bytes.TrimRight(line, "\r")
			if Binary(text) {
				// Words found by chance in bytes that are not text are
				// no message: the line is skipped, and ends a record.
				flush()
				s.binary(cr.lines)
				goto next
			}
			if t := bytes.TrimSpace(text); len(t) > 1 && t[0] == '{' && t[len(t)-1] == '}' {
				if msgs, ok := jsonLine(t); ok {
					flush()
					s.Format = "ndjson"
					for _, msg := range msgs {
						add(cr.lines, msg, false)
					}
					goto next
				}
			}
			switch {
			case len(rec) > 0 && recLines < maxRecordLines && len(rec) < MaxInput && continues(text, inTraceback):
				rec = append(rec, '\n')
				rec = append(rec, text...)
				recLines++
				if inTraceback && len(text) > 0 && text[0] != ' ' && text[0] != '\t' && !tracebackGlue(text) {
					flush() // the exception line ends a Python traceback
				}
			default:
				flush()
				if len(bytes.TrimSpace(text)) == 0 {
					break
				}
				recLine = cr.lines
				rec = append(rec, text...)
				recLines = 1
				inTraceback = bytes.HasPrefix(text, tracebackStart)
			}
		}
	next:
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// readLine reads one line, keeping at most MaxLine bytes of it; cut
// reports that there were more. The line is valid until the next call: it
// is bufio's own buffer when the line fits, else *scratch.
func readLine(br *bufio.Reader, scratch *[]byte) (line []byte, cut bool, err error) {
	chunk, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return bytes.TrimSuffix(chunk, []byte("\n")), false, err
	}
	line = append((*scratch)[:0], chunk...)
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = br.ReadSlice('\n')
		chunk = bytes.TrimSuffix(chunk, []byte("\n"))
		if room := MaxLine - len(line); len(chunk) > room {
			chunk, cut = chunk[:room], true
		}
		line = append(line, chunk...)
	}
	*scratch = line
	return line, cut, err
}

var tracebackStart = []byte("Traceback (most recent call last)")

var reContinuation = regexp.MustCompile(`^(?:\s+at |\s*\.\.\. \d+ (?:more|common frames omitted)|Caused by: |\s+Suppressed: |\s*---> |\s+--- End of inner exception|Wrapped by: )`)

func continues(line []byte, traceback bool) bool {
	if traceback {
		return true
	}
	// Every continuation starts with space, "Caused by", "Wrapped by",
	// "..." or "--->": skip the expression for the other lines.
	if len(line) == 0 || (line[0] != ' ' && line[0] != '\t' && line[0] != 'C' && line[0] != 'W' && line[0] != '.' && line[0] != '-') {
		return false
	}
	return reContinuation.Match(line)
}

func tracebackGlue(line []byte) bool {
	return bytes.HasPrefix(line, tracebackStart) ||
		bytes.HasPrefix(line, []byte("During handling of the above exception")) ||
		bytes.HasPrefix(line, []byte("The above exception was the direct cause"))
}

// jsonLine turns one JSON log event into text: its string values joined.
// A line that is a whole export (an object whose "events" array holds the
// events, as `jq -c` prints one) gives one text per event.
func jsonLine(line []byte) ([]string, bool) {
	var v any
	if err := json.Unmarshal(line, &v); err != nil {
		return nil, false
	}
	if m, ok := v.(map[string]any); ok && nested(m) && !hasMessage(m) {
		var out []string
		for _, k := range eventKeys {
			if arr, ok := m[k].([]any); ok {
				for _, e := range arr {
					out = append(out, flatten(e))
				}
			}
		}
		return out, true
	}
	return []string{flatten(v)}, true
}

func flatten(v any) string {
	var parts []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" {
				parts = append(parts, x)
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys) // deterministic
			// The message first: it usually carries the error.
			for _, pref := range messageKeys {
				if s, ok := x[pref].(string); ok && s != "" {
					parts = append(parts, s)
					delete(x, pref)
				}
			}
			for _, k := range keys {
				if _, ok := x[k]; ok {
					walk(x[k])
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	out := strings.Join(parts, " | ")
	if len(out) > MaxInput {
		out = out[:MaxInput]
	}
	return out
}

// readJSONDocument reads one JSON document: an array of events, or an
// object whose arrays hold the events (CloudWatch filter-log-events'
// "events", OCI Logging search results, an Elasticsearch "hits"). Arrays
// are read one element at a time, and no element may exceed maxEvent, so
// memory is bounded by one event whatever the document's size.
func readJSONDocument(br *bufio.Reader, cr *countReader, add func(int, string, bool)) error {
	lim := &eventLimit{r: br}
	dec := json.NewDecoder(lim)
	n := 0
	event := func(v any) {
		n++
		add(n, flatten(v), false)
	}
	decode := func(v any) error {
		lim.mark()
		return dec.Decode(v)
	}
	// array reads the elements of an array whose '[' was just read; an
	// element that is an export of its own (an object holding an events
	// array) gives its events.
	var array func(depth int) error
	array = func(depth int) error {
		for dec.More() {
			var v any
			if err := decode(&v); err != nil {
				return err
			}
			if m, ok := v.(map[string]any); ok && depth < 4 && nested(m) {
				for _, k := range eventKeys {
					if arr, ok := m[k].([]any); ok {
						for _, e := range arr {
							event(e)
						}
					}
				}
				continue
			}
			event(v)
		}
		_, err := dec.Token() // ']'
		return err
	}
	tok, err := dec.Token()
	if err == nil {
		switch tok {
		case json.Delim('['):
			err = array(0)
		case json.Delim('{'):
			var rest []string
			for err == nil && dec.More() {
				if _, err = dec.Token(); err != nil { // the key
					break
				}
				// An array value is read element by element; any other
				// value is kept as context for a document with no events.
				lim.mark()
				var t json.Token
				if t, err = dec.Token(); err != nil {
					break
				}
				if t == json.Delim('[') {
					err = array(1)
					continue
				}
				var v any
				if v, err = valueFrom(dec, t, 0); err == nil {
					if s := flatten(v); s != "" && len(rest) < 64 {
						rest = append(rest, s)
					}
				}
			}
			if err == nil {
				_, err = dec.Token() // '}'
			}
			if len(rest) > 0 && n == 0 {
				event(strings.Join(rest, " | "))
			}
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return errors.New("the JSON log is malformed after event " + itoa(n) + ": " + err.Error())
	}
	return nil
}

// valueFrom builds the value that starts with tok from the tokens that
// follow it.
func valueFrom(dec *json.Decoder, tok json.Token, depth int) (any, error) {
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth > 64 {
		return nil, errors.New("nested deeper than 64 levels")
	}
	if d == '[' {
		var arr []any
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := valueFrom(dec, t, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	m := map[string]any{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		v, err := valueFrom(dec, t, depth+1)
		if err != nil {
			return nil, err
		}
		if key, ok := k.(string); ok {
			m[key] = v
		}
	}
	_, err := dec.Token()
	return m, err
}

// eventLimit fails a read once one event of a JSON document passes
// maxEvent bytes, so that a giant value cannot take the memory.
type eventLimit struct {
	r    io.Reader
	read int64 // bytes handed to the decoder since mark
}

func (l *eventLimit) mark() { l.read = 0 }

func (l *eventLimit) Read(p []byte) (int, error) {
	if l.read > maxEvent {
		return 0, errors.New("one event is larger than " + itoa(maxEvent>>20) + " MiB")
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// messageKeys name the fields that usually carry an event's text.
var messageKeys = []string{"message", "@message", "msg", "log", "error", "err"}

var eventKeys = []string{"events", "results", "hits", "items", "records", "logs", "data"}

// hasMessage reports whether an event has a message field of its own: then
// it is one event, whatever arrays it carries.
func hasMessage(m map[string]any) bool {
	for _, k := range messageKeys {
		if _, ok := m[k].(string); ok {
			return true
		}
	}
	return false
}

func nested(m map[string]any) bool {
	for _, k := range eventKeys {
		if _, ok := m[k].([]any); ok {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Clip shortens a message to its first line and at most n bytes (cut on a
// character boundary), for listings.
func Clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		return s[:n] + "..."
	}
	return s
}

func groupKey(r *Result) string {
	var b strings.Builder
	for _, c := range r.Candidates {
		b.WriteString(string(c.Cause))
		b.WriteByte(',')
	}
	b.WriteByte('|')
	b.WriteString(r.Target.HostPort())
	b.WriteByte('|')
	b.WriteString(r.Target.ServerName)
	if len(r.Stacks) > 0 {
		b.WriteByte('|')
		b.WriteString(r.Stacks[0].ID)
	}
	return b.String()
}

// logContext carries what earlier lines said to later ones: AWS API
// Gateway logs "Endpoint request URI: https://..." lines before the
// failure, which names no endpoint itself.
type logContext struct {
	byRequest map[string]Endpoint
	last      Endpoint
}

var (
	reEndpointURI = regexp.MustCompile(`(?i)Endpoint request URI: (https?://\S+)`)
	reRequestID   = regexp.MustCompile(`^\(([0-9a-f-]{8,})\)`)
)

func (c *logContext) observe(rec string) {
	if !containsFold(rec, "endpoint request uri") {
		return
	}
	m := reEndpointURI.FindStringSubmatch(rec)
	if m == nil {
		return
	}
	e := endpoint(m[1])
	c.last = e
	if id := reRequestID.FindStringSubmatch(rec); id != nil {
		if c.byRequest == nil || len(c.byRequest) > 10000 {
			c.byRequest = map[string]Endpoint{}
		}
		c.byRequest[id[1]] = e
	}
}

func (c *logContext) fill(rec string, r *Result) {
	if r.Target.Host != "" && !r.Target.fromName {
		return
	}
	e := c.last
	if id := reRequestID.FindStringSubmatch(rec); id != nil {
		if x, ok := c.byRequest[id[1]]; ok {
			e = x
		}
	}
	if e.Host == "" {
		return
	}
	sn := r.Target.ServerName
	if r.Target.fromName {
		sn = r.Target.Host
	}
	r.Target = e
	if sn != "" && !strings.EqualFold(sn, e.Host) {
		r.Target.ServerName = sn
	}
	r.Command, r.Placeholder = command(r)
}

// Binary reports whether b is not mostly text: whether half its bytes or
// more are neither printable ASCII, tab, line ends nor UTF-8 beyond ASCII.
// Words found by chance in such bytes ("sNI", "mtLs" in random bytes) are
// no message.
func Binary[T ~string | ~[]byte](b T) bool {
	text := 0
	for i := 0; i < len(b); {
		c, n := b[i], 1
		switch {
		case c >= 0x20 && c < 0x7f, c == '\t', c == '\n', c == '\r':
			text++
		case c >= 0xc2 && c <= 0xf4:
			n = 2
			if c >= 0xe0 {
				n = 3
			}
			if c >= 0xf0 {
				n = 4
			}
			ok := i+n <= len(b)
			for k := 1; ok && k < n; k++ {
				ok = b[i+k]&0xc0 == 0x80
			}
			if ok {
				text += n
			} else {
				n = 1
			}
		}
		i += n
	}
	return len(b) > 0 && 2*text <= len(b)
}
