// Package exporter is tlsdoctor's Prometheus exporter, in blackbox_exporter's
// multi-target pattern: Prometheus scrapes /probe?target=...&module=..., the
// exporter checks the target (through package service, so the verdict is
// `tlsdoctor check`'s) and answers a fresh set of metrics whose labels say
// why it fails: tlsdoctor_cause{cause="CHAIN_INCOMPLETE"}, with values only
// from the cause catalog. /metrics exposes the exporter itself. This is the
// only package that imports the Prometheus client.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
)

// Config configures an Exporter.
type Config struct {
	Checker *service.Checker
	Modules Modules // nil: DefaultModules
	Version string
	Log     *slog.Logger
}

// Exporter serves /probe and /metrics.
type Exporter struct {
	cfg    Config
	self   *prometheus.Registry
	probes *prometheus.CounterVec
}

// New returns an Exporter.
func New(cfg Config) *Exporter {
	if cfg.Modules == nil {
		cfg.Modules = DefaultModules()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	e := &Exporter{cfg: cfg, self: prometheus.NewRegistry()}
	e.probes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tlsdoctor_exporter_probes_total", Help: "Probes answered, by module and HTTP status.",
	}, []string{"module", "code"})
	e.self.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tlsdoctor_build_info", Help: "The tlsdoctor version.",
			ConstLabels: prometheus.Labels{"version": cfg.Version}}, func() float64 { return 1 }),
		e.probes,
		&statsCollector{c: cfg.Checker},
	)
	return e
}

// Metrics is the handler of /metrics: the exporter's own metrics.
func (e *Exporter) Metrics() http.Handler {
	return promhttp.HandlerFor(e.self, promhttp.HandlerOpts{ErrorLog: slogAdapter{e.cfg.Log}})
}

// Probe is the handler of /probe.
func (e *Exporter) Probe() http.Handler { return http.HandlerFunc(e.probe) }

// scrapeMargin is kept free of the scrape time-out Prometheus announces,
// for the answer to travel.
const scrapeMargin = 500 * time.Millisecond

func (e *Exporter) probe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("module")
	if name == "" {
		name = "default"
	}
	code := http.StatusOK
	defer func() { e.probes.WithLabelValues(label(name, e.cfg.Modules), strconv.Itoa(code)).Inc() }()
	fail := func(status int, msg string) {
		code = status
		http.Error(w, msg, status)
	}
	target := q.Get("target")
	if target == "" {
		fail(http.StatusBadRequest, "error: the target parameter is missing\nhint: /probe?target=https://host:port/path&module=default")
		return
	}
	m, ok := e.cfg.Modules[name]
	if !ok {
		fail(http.StatusBadRequest, fmt.Sprintf("error: unknown module %q\nhint: modules: %v", name, e.cfg.Modules.Names()))
		return
	}
	ctx := r.Context()
	if v := r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
			d := time.Duration(s*float64(time.Second)) - scrapeMargin
			d = max(d, time.Second)
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
	}
	res, err := e.cfg.Checker.Check(ctx, m.request(target, q["connect"]))
	if err != nil {
		var re *service.RequestError
		var refused *addrpolicy.RefusedError
		switch {
		case errors.As(err, &re):
			fail(http.StatusBadRequest, "error: "+re.Error()+"\nhint: "+re.Hint)
		case errors.As(err, &refused):
			fail(http.StatusForbidden, "error: "+refused.Error()+"\nhint: "+refused.Hint())
		default:
			fail(http.StatusServiceUnavailable, "error: "+err.Error())
		}
		return
	}
	reg := prometheus.NewRegistry()
	collect(reg, res)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// label keeps the module label bounded: an unknown module is "unknown".
func label(name string, m Modules) string {
	if _, ok := m[name]; ok {
		return name
	}
	return "unknown"
}

// collect registers the probe's metrics.
func collect(reg *prometheus.Registry, res *service.Result) {
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		reg.MustRegister(g)
		return g
	}
	vec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	d := res.Diagnosis
	success := gauge("tlsdoctor_probe_success", "1 when the handshake (and the HTTP exchange) works for the module's client: the cause is OK.")
	gauge("tlsdoctor_probe_duration_seconds", "How long the check took.").Set(res.Duration.Seconds())
	causes := vec("tlsdoctor_cause", "The cause the check names, from the cause catalog (tlsdoctor causes): 1 for the cause found.", "cause")
	if d.Cause.Known() {
		causes.WithLabelValues(string(d.Cause)).Set(1)
	}
	if !d.Cause.Failed() {
		success.Set(1)
	}
	addrCause := vec("tlsdoctor_address_cause", "The cause at each address the target resolved to (INCONSISTENT_BACKENDS names the node this way).", "addr", "cause")
	notAfter := vec("tlsdoctor_cert_not_after_seconds", "Expiry (Unix time) of each certificate of the chain as built, leaf at depth 0; recorded even when the chain fails.", "addr", "depth", "role", "source")
	version := vec("tlsdoctor_tls_version_info", "The negotiated TLS version and cipher suite.", "addr", "version", "cipher_suite")
	for _, a := range d.Addresses {
		if a.Cause.Known() {
			addrCause.WithLabelValues(a.Addr, string(a.Cause)).Set(1)
		}
		for i, c := range a.Certificates {
			if i >= maxDepth {
				break
			}
			if t, err := time.Parse(time.RFC3339, c.NotAfter); err == nil {
				notAfter.WithLabelValues(a.Addr, strconv.Itoa(i), c.Role, c.Source).Set(float64(t.Unix()))
			}
		}
		if n := a.Negotiated; n != nil && n.Version != "" {
			version.WithLabelValues(a.Addr, n.Version, n.CipherSuite).Set(1)
		}
	}
	phases := vec("tlsdoctor_handshake_duration_seconds", "Duration of each phase of the check: resolve, connect (TCP), hello (the client's ClientHello to the server's answer), tls (the full handshake), http.", "addr", "phase")
	if run := res.Run; run != nil {
		if run.DNS != nil {
			phases.WithLabelValues("", "resolve").Set(run.DNS.Duration.Seconds())
		}
		for _, a := range run.Addresses {
			observe(phases, a)
		}
	}
	if m := res.Clients; m != nil {
		failing := vec("tlsdoctor_client_failing", "1 when the client fails against the target, 0 when it works; cause says why.", "client", "cause")
		for _, v := range m.Clients {
			c := string(v.Cause)
			if !v.Cause.Known() {
				c = ""
			}
			val := 0.0
			if v.Cause.Failed() {
				val = 1
			}
			failing.WithLabelValues(v.Profile, c).Set(val)
		}
		gauge("tlsdoctor_clients_failing", "How many client profiles fail.").Set(float64(m.Failing()))
	}
}

// maxDepth bounds the chain positions exported per address.
const maxDepth = 8

func observe(phases *prometheus.GaugeVec, a evidence.Address) {
	set := func(phase string, d time.Duration) {
		if d > 0 {
			phases.WithLabelValues(a.Addr, phase).Set(d.Seconds())
		}
	}
	set("connect", a.Dial.Duration)
	if a.Hello != nil {
		set("hello", a.Hello.Duration)
	}
	if a.Handshake != nil {
		set("tls", a.Handshake.Duration)
	}
	if a.HTTP != nil {
		set("http", a.HTTP.Duration)
	}
}

// statsCollector exposes the checker's counters on /metrics.
type statsCollector struct{ c *service.Checker }

var (
	descChecks   = prometheus.NewDesc("tlsdoctor_checks_total", "Verdicts given since the start, by cause (each client of a clients check counts).", []string{"cause"}, nil)
	descRefused  = prometheus.NewDesc("tlsdoctor_checks_refused_total", "Targets refused by the address policy (nothing was dialled).", nil, nil)
	descBusy     = prometheus.NewDesc("tlsdoctor_checks_busy_total", "Checks turned away because too many were waiting.", nil, nil)
	descInFlight = prometheus.NewDesc("tlsdoctor_checks_in_flight", "Checks running now.", nil, nil)
	descWaiting  = prometheus.NewDesc("tlsdoctor_checks_waiting", "Checks running or waiting for a slot.", nil, nil)
)

func (s *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descChecks, descRefused, descBusy, descInFlight, descWaiting} {
		ch <- d
	}
}

func (s *statsCollector) Collect(ch chan<- prometheus.Metric) {
	st := s.c.Stats()
	for c, n := range st.ByCause {
		if c.Known() {
			ch <- prometheus.MustNewConstMetric(descChecks, prometheus.CounterValue, float64(n), string(c))
		}
	}
	ch <- prometheus.MustNewConstMetric(descRefused, prometheus.CounterValue, float64(st.Refused))
	ch <- prometheus.MustNewConstMetric(descBusy, prometheus.CounterValue, float64(st.Busy))
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(st.InFlight))
	ch <- prometheus.MustNewConstMetric(descWaiting, prometheus.GaugeValue, float64(st.Waiting))
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Println(v ...any) { a.l.Error(fmt.Sprint(v...)) }
