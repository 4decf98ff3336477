package web

import (
	"sort"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// The views turn diagnose types into what the templates draw; they never
// read the text of a verdict, only its fields.

// chainView is a certificate chain as built, leaf first, for the addresses
// that served it.
type chainView struct {
	Addrs []string
	Links []linkView
}

// linkView is one certificate of a chain, or a placeholder for one that
// is missing or untrusted (Placeholder set).
type linkView struct {
	diagnose.Certificate
	Placeholder bool
	Mark        string // "", "expired", "not-yet-valid", "missing", "untrusted", "name"
	Note        string // what the mark means, for people
}

// chainsOf draws each distinct chain of d, marking the link the cause is
// about.
func chainsOf(d *diagnose.Diagnosis, at time.Time) []chainView {
	var out []chainView
	seen := map[string]int{}
	for _, a := range d.Addresses {
		if len(a.Certificates) == 0 {
			continue
		}
		var key strings.Builder
		for _, c := range a.Certificates {
			key.WriteString(c.SHA256)
		}
		key.WriteString(string(a.Cause))
		if i, ok := seen[key.String()]; ok {
			out[i].Addrs = append(out[i].Addrs, a.Addr)
			continue
		}
		seen[key.String()] = len(out)
		out = append(out, chainView{Addrs: []string{a.Addr}, Links: links(a, d.ServerName, at)})
	}
	return out
}

func links(a diagnose.AddressResult, serverName string, at time.Time) []linkView {
	var out []linkView
	for _, c := range a.Certificates {
		out = append(out, linkView{Certificate: c})
	}
	if len(out) == 0 {
		return nil
	}
	top := &out[len(out)-1]
	selfIssued := top.Subject == top.Issuer
	switch a.Cause {
	case cause.CertExpired:
		for i := range out {
			if t, err := time.Parse(time.RFC3339, out[i].NotAfter); err == nil && t.Before(at) {
				out[i].Mark, out[i].Note = "expired", "expired on "+t.UTC().Format("2006-01-02 15:04 MST")
			}
		}
	case cause.CertNotYetValid:
		for i := range out {
			if t, err := time.Parse(time.RFC3339, out[i].NotBefore); err == nil && t.After(at) {
				out[i].Mark, out[i].Note = "not-yet-valid", "valid only from "+t.UTC().Format("2006-01-02 15:04 MST")
			}
		}
	case cause.ChainIncomplete:
		marked := false
		for i := range out {
			switch out[i].Source {
			case "aia":
				out[i].Mark, out[i].Note, marked = "missing", "missing: the server does not send it (tlsdoctor fetched it from the AIA URL)", true
			case "known":
				out[i].Mark, out[i].Note, marked = "missing", "missing: the server does not send it (tlsdoctor knows this CA)", true
			}
		}
		if !marked && !selfIssued {
			l := linkView{Placeholder: true, Mark: "missing", Certificate: diagnose.Certificate{Role: "intermediate", Subject: top.Issuer},
				Note: "missing: the issuer of the certificate above, which the server does not send"}
			if a.Confidence == diagnose.Inferred {
				// Nothing decided intermediate or root: say both.
				l.Role = "issuer"
				l.Note = "missing: the issuer of the certificate above, which the server does not send (an intermediate, unless it is a private root)"
			}
			out = append(out, l)
		}
	case cause.UntrustedRoot:
		if selfIssued {
			top.Mark, top.Note = "untrusted", "untrusted: this client does not trust this root"
		} else {
			out = append(out, linkView{Placeholder: true, Mark: "untrusted",
				Certificate: diagnose.Certificate{Role: "root", Subject: top.Issuer},
				Note:        "untrusted: the root above the chain is not in this client's trust store"})
		}
	case cause.SelfSigned:
		out[0].Mark, out[0].Note = "untrusted", "self-signed, and not trusted by this client"
	case cause.HostnameMismatch:
		out[0].Mark, out[0].Note = "name", "does not cover "+serverName
	case cause.CNWithoutSAN:
		out[0].Mark, out[0].Note = "name", "names "+serverName+" only in the subject CN, not as a subjectAltName"
	}
	return out
}

// serverView is one address's scan, with weak parameters marked.
type serverView struct {
	Addr     string
	Report   *diagnose.ServerReport
	Versions []versionView
	Groups13 []markedName
	Groups12 []markedName
	SigAlgs  []markedName
}

type versionView struct {
	diagnose.VersionReport
	Weak   string
	Suites []markedName
}

type markedName struct {
	Name  string
	Level string // "", "legacy", "weak"
	Why   string
}

func serversOf(addrs map[string]*diagnose.ServerReport) []serverView {
	var keys []string
	for k := range addrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []serverView
	for _, k := range keys {
		r := addrs[k]
		if r == nil {
			continue
		}
		v := serverView{Addr: k, Report: r}
		for _, ver := range r.Versions {
			vv := versionView{VersionReport: ver}
			if deprecatedVersion[ver.Version] {
				vv.Weak = "deprecated (RFC 8996)"
			}
			for _, s := range ver.Suites {
				level, why := suiteWeakness(s)
				vv.Suites = append(vv.Suites, markedName{s, level, why})
			}
			v.Versions = append(v.Versions, vv)
		}
		for _, g := range r.Groups13 {
			v.Groups13 = append(v.Groups13, groupMark(g))
		}
		for _, g := range r.Groups12 {
			v.Groups12 = append(v.Groups12, groupMark(g))
		}
		for _, a := range r.SigAlgs {
			m := markedName{Name: a}
			if a == wire.SignatureName(wire.SigRSAPKCS1SHA1) || a == wire.SignatureName(wire.SigECDSASHA1) {
				m.Level, m.Why = "weak", "SHA-1"
			}
			v.SigAlgs = append(v.SigAlgs, m)
		}
		out = append(out, v)
	}
	return out
}

var deprecatedVersion = map[string]bool{
	wire.VersionName(wire.VersionSSL30): true,
	wire.VersionName(wire.VersionTLS10): true,
	wire.VersionName(wire.VersionTLS11): true,
}

var suiteByName = func() map[string]wire.Suite {
	m := map[string]wire.Suite{}
	for _, s := range wire.Suites() {
		m[s.Name] = s
	}
	return m
}()

// suiteWeakness grades a suite by its IANA name's parts (the registry's
// TLS_<kex>_WITH_<cipher>_<mac> structure) and its key exchange.
func suiteWeakness(name string) (string, string) {
	s := suiteByName[name]
	_, cipher, _ := strings.Cut(name, "_WITH_")
	switch {
	case strings.HasPrefix(cipher, "NULL_"):
		return "weak", "no encryption"
	case strings.Contains(name, "EXPORT"):
		return "weak", "export-grade"
	case strings.HasPrefix(cipher, "RC4_"):
		return "weak", "RC4"
	case strings.Contains(cipher, "DES_") || strings.HasPrefix(cipher, "DES40") || strings.HasPrefix(cipher, "IDEA_") || strings.HasPrefix(cipher, "RC2_"):
		return "weak", "64-bit block cipher (Sweet32)"
	case s.Auth == "anon":
		return "weak", "no authentication"
	case strings.HasSuffix(name, "_MD5"):
		return "weak", "MD5"
	case s.Kex == "RSA":
		return "legacy", "no forward secrecy"
	case strings.Contains(cipher, "_CBC_"):
		return "legacy", "CBC mode"
	}
	return "", ""
}

func groupMark(g string) markedName {
	m := markedName{Name: g}
	if strings.HasPrefix(g, "group(") {
		m.Level, m.Why = "legacy", "a legacy curve"
	}
	return m
}

// clientsView is the clients matrix as the CLI prints it: failing causes
// first, by how many clients they hit, then the clients that work.
type clientsView struct {
	M       *diagnose.ClientMatrix
	Failing []clientGroup
	OK      []diagnose.ClientVerdict
	NFail   int
}

type clientGroup struct {
	Cause   cause.Code
	Summary string // the first client's; a client whose summary differs shows its own
	Clients []diagnose.ClientVerdict
}

func clientsOf(m *diagnose.ClientMatrix) *clientsView {
	if m == nil {
		return nil
	}
	v := &clientsView{M: m, NFail: m.Failing()}
	by := map[cause.Code][]diagnose.ClientVerdict{}
	for _, c := range m.Clients {
		if c.Cause == cause.OK {
			v.OK = append(v.OK, c)
		} else {
			by[c.Cause] = append(by[c.Cause], c)
		}
	}
	for c, list := range by {
		v.Failing = append(v.Failing, clientGroup{c, list[0].Summary, list})
	}
	sort.Slice(v.Failing, func(i, j int) bool {
		a, b := v.Failing[i], v.Failing[j]
		if len(a.Clients) != len(b.Clients) {
			return len(a.Clients) > len(b.Clients)
		}
		return a.Cause < b.Cause
	})
	return v
}

// transition is a change of a target's cause.
type transition struct {
	From, To cause.Code
	At       time.Time
	ID       string
}

// transitions lists the changes in a history, oldest first.
func transitions(h []HistoryEntry) []transition {
	var out []transition
	for i := 1; i < len(h); i++ {
		if h[i].Cause != h[i-1].Cause {
			out = append(out, transition{From: h[i-1].Cause, To: h[i].Cause, At: h[i].Created, ID: h[i].ID})
		}
	}
	return out
}
