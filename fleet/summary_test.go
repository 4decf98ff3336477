package fleet

import (
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

// A --mode full record counts once per cause group, and each group says
// which clients fail with that cause; a record whose clients all pass is OK.
func TestSummaryOfClientMatrices(t *testing.T) {
	s := NewSummary(time.Now())
	v := func(p string, c cause.Code) diagnose.ClientVerdict {
		return diagnose.ClientVerdict{Profile: p, Cause: c}
	}
	s.Add(&Record{Target: "a", Clients: []diagnose.ClientVerdict{v("default", cause.OK), v("java-6", cause.ProtocolVersionMismatch), v("java-7", cause.ProtocolVersionMismatch), v("android-7", cause.UntrustedRoot)}})
	s.Add(&Record{Target: "b", Clients: []diagnose.ClientVerdict{v("default", cause.OK), v("java-6", cause.ProtocolVersionMismatch)}})
	s.Add(&Record{Target: "c", Clients: []diagnose.ClientVerdict{v("default", cause.OK)}})
	if s.Targets != 3 || s.Failed != 2 || s.OK != 1 {
		t.Fatalf("targets %d, failed %d, OK %d", s.Targets, s.Failed, s.OK)
	}
	pv := s.Causes[cause.ProtocolVersionMismatch]
	if pv == nil || pv.Count != 2 || pv.Clients["java-6"] != 2 || pv.Clients["java-7"] != 1 || len(pv.Clients) != 2 || !strings.HasPrefix(pv.Detail, "java-6: ") {
		t.Errorf("PROTOCOL_VERSION_MISMATCH group %+v", pv)
	}
	if ur := s.Causes[cause.UntrustedRoot]; ur == nil || ur.Count != 1 || ur.Clients["android-7"] != 1 {
		t.Errorf("UNTRUSTED_ROOT group %+v", ur)
	}
	if ok := s.Causes[cause.OK]; ok == nil || ok.Count != 1 || ok.Clients != nil {
		t.Errorf("OK group %+v", ok)
	}
	if s.Clients["java-6"] != 2 {
		t.Errorf("failing clients %v", s.Clients)
	}
}
