package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// maxBody is how much of an error response's body is kept.
const maxBody = 2 << 10

// errHeaderTooLarge stops the header reader at evidence.MaxHeaderBytes.
var errHeaderTooLarge = errors.New("probe: header block over the limit")

// exchangeHTTP sends one HTTP/1.1 request and reads the reply as an HTTP
// client does: the status line and headers of each response, skipping 1xx
// responses, bounded in bytes (evidence.MaxHeaderBytes), count (evidence.MaxInterim) and time
// (the phase time-out, or ctx's deadline if earlier).
func exchangeHTTP(ctx context.Context, tc *tls.Conn, t evidence.Target, opts *Options) *evidence.HTTP {
	host := t.ServerName
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if t.Port != 443 {
		host += ":" + strconv.Itoa(t.Port)
	}
	path := t.Path
	if path == "" {
		path = "/"
	}
	reqLine := "GET " + path + " HTTP/1.1"
	h := &evidence.HTTP{Request: reqLine}
	start := time.Now()
	defer func() { h.Duration = time.Since(start) }()
	tc.SetDeadline(opts.deadline(ctx))
	req := reqLine + "\r\nHost: " + host + "\r\nUser-Agent: tlsdoctor\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := tc.Write([]byte(req)); err != nil {
		h.Err = Classify(err)
		h.Outcome = h.Err.Kind
		h.Alert = alertOf(err)
		return h
	}
	lr := &limitedReader{r: tc, n: evidence.MaxHeaderBytes}
	br := bufio.NewReaderSize(lr, 4096)
	readHTTP(br, lr, h)
	if h.Outcome == "response" && h.StatusCode >= 400 {
		// The body of an error says why (nginx names a missing client
		// certificate there). Bounded in size; a short wait, since the
		// status is already known.
		tc.SetReadDeadline(time.Now().Add(min(opts.timeout(), time.Second)))
		lr.n = maxBody
		body, _ := io.ReadAll(io.LimitReader(br, maxBody))
		h.Body = body
	}
	return h
}

// readHTTP reads responses from br until a final one, recording in h.
func readHTTP(br *bufio.Reader, lr *limitedReader, h *evidence.HTTP) {
	first := true
	for {
		if first {
			// Wait for five bytes only while what came is a start of
			// "HTTP/": a short reply that is not HTTP ("OK\n") is judged
			// at once, not at the time-out.
			peek, err := br.Peek(1)
			if err == nil {
				if got, _ := br.Peek(min(br.Buffered(), 5)); bytes.HasPrefix([]byte("HTTP/"), got) {
					peek, err = br.Peek(5)
				} else {
					peek = got
				}
			}
			h.First = append([]byte(nil), peek...)
			if len(peek) < 5 || !bytes.Equal(peek, []byte("HTTP/")) {
				if len(peek) == 0 {
					h.Err, h.Alert = Classify(err), alertOf(err)
					switch {
					case h.Alert != nil:
						h.Outcome = "alert"
					case h.Err != nil:
						h.Outcome = h.Err.Kind
					default:
						h.Outcome = "eof"
					}
					return
				}
				more, _ := br.Peek(min(br.Buffered(), 64))
				h.First = append([]byte(nil), more...)
				if wire.Sniff(h.First).Kind == "tls" {
					h.Outcome = "tls_record"
				} else {
					h.Outcome = "not_http"
				}
				return
			}
			more, _ := br.Peek(min(br.Buffered(), 64))
			h.First = append([]byte(nil), more...)
			first = false
		}
		status, err := br.ReadString('\n')
		h.HeaderBytes += len(status)
		if err != nil {
			truncated(h, err)
			return
		}
		line := strings.TrimRight(status, "\r\n")
		code, ok := statusCode(line)
		if !ok {
			h.StatusLine = clip(line, 200)
			h.Outcome = "not_http"
			return
		}
		server := ""
		for {
			l, err := br.ReadString('\n')
			h.HeaderBytes += len(l)
			if err != nil {
				truncated(h, err)
				return
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "server") {
				server = clip(strings.TrimSpace(v), 200)
			}
		}
		if code >= 100 && code < 200 && code != 101 {
			h.Interim++
			if h.Interim > evidence.MaxInterim {
				h.StatusLine = clip(line, 200)
				h.Outcome = "interim_only"
				return
			}
			continue
		}
		h.StatusLine, h.StatusCode, h.Server, h.Outcome = clip(line, 200), code, server, "response"
		return
	}
}

// truncated records a header block cut short by err.
func truncated(h *evidence.HTTP, err error) {
	if errors.Is(err, errHeaderTooLarge) {
		h.Outcome = "headers_too_large"
		return
	}
	h.Outcome = "truncated"
	h.Err, h.Alert = Classify(err), alertOf(err)
	if h.Err == nil {
		h.Err = &evidence.Failure{Kind: KindEOF, Message: "connection closed"}
	}
}

// statusCode parses "HTTP/1.x NNN reason".
func statusCode(line string) (int, bool) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/") {
		return 0, false
	}
	code, _, _ := strings.Cut(rest, " ")
	if len(code) != 3 {
		return 0, false
	}
	n, err := strconv.Atoi(code)
	if err != nil || n < 100 {
		return 0, false
	}
	return n, true
}

// clip cuts s to at most n bytes, on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// limitedReader returns errHeaderTooLarge once n bytes were read.
type limitedReader struct {
	r io.Reader
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooLarge
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}
