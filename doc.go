// Package tlsdoctor is the root of the tlsdoctor module: a tool that tells
// why a TLS handshake fails, for the client you care about, and exactly what
// fixes it. The command is cmd/tlsdoctor; docs/architecture.md maps the
// packages (cause, evidence, wire, profile, chain, probe, diagnose, report,
// explain, lab, internal/cli).
package tlsdoctor
