package diagnose

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// sentence starts s with a capital when its first word is an ordinary
// lower-case word; a host name, an address or a code stays as it is.
func sentence(s string) string {
	word, _, _ := strings.Cut(s, " ")
	if word == "" {
		return s
	}
	for _, r := range word {
		if !unicode.IsLower(r) && r != '\'' {
			return s
		}
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// sizeStr renders a byte count for people.
func sizeStr(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// clipList joins the first n items and says how many more there are.
func clipList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

func errMsg(f *evidence.Failure) string {
	if f == nil {
		return "connection closed"
	}
	return f.Message
}

func hexdump(b []byte) string {
	if len(b) == 0 {
		return "(none)"
	}
	var hx strings.Builder
	for i, x := range b {
		if i == 24 {
			hx.WriteString(" ...")
			break
		}
		if i > 0 {
			hx.WriteByte(' ')
		}
		fmt.Fprintf(&hx, "%02x", x)
	}
	return fmt.Sprintf("%s  %+q", hx.String(), string(b[:min(len(b), 40)]))
}
