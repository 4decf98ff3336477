package inventory

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
)

// Kubernetes YAML (files, or 'kubectl get -o yaml' output; no cluster is
// contacted). An Ingress whose ingress-nginx annotation backend-protocol is
// HTTPS (or GRPCS) is checked at each back-end Service as ingress-nginx
// checks it: nginx-proxy, or nginx-proxy-verify with proxy-ssl-verify on
// (trusting the ca.crt of proxy-ssl-secret); SNI with proxy-ssl-server-name
// on; proxy-ssl-name as the name; proxy-ssl-protocols and -ciphers. A
// Gateway API BackendTLSPolicy is checked at each Service it targets with
// validation.hostname as SNI and name, trusting its caCertificateRefs
// (ConfigMaps) alone or the system store (wellKnownCACertificates: System).
// Services, Secrets and ConfigMaps in the same input supply port names and
// CAs; a Service's name is checked as NAME.NAMESPACE.svc.cluster.local, which
// resolves inside the cluster (deploy/ runs a scan there).

const annot = "nginx.ingress.kubernetes.io/"

type kubeObjects struct {
	services map[string]*node // ns/name -> spec
	data     map[string]*node // kind/ns/name -> data (Secret, ConfigMap)
}

func kubeKey(ns, name string) string {
	if ns == "" {
		ns = "default"
	}
	return ns + "/" + name
}

func (r *reader) kubernetes(docs []*node) {
	objs := kubeObjects{services: map[string]*node{}, data: map[string]*node{}}
	var all []*node
	for _, d := range docs {
		if d.get("kind").str() == "List" {
			all = append(all, d.get("items").items()...)
		} else {
			all = append(all, d)
		}
	}
	for _, o := range all {
		md := o.get("metadata")
		key := kubeKey(md.get("namespace").str(), md.get("name").str())
		switch o.get("kind").str() {
		case "Service":
			objs.services[key] = o.get("spec")
		case "Secret", "ConfigMap":
			objs.data[o.get("kind").str()+"/"+key] = o
		}
	}
	for _, o := range all {
		switch o.get("kind").str() {
		case "Ingress":
			r.ingress(o, objs)
		case "BackendTLSPolicy":
			r.backendTLSPolicy(o, objs)
		}
	}
}

// caFrom returns the ca.crt of a Secret (base64) or ConfigMap (text) in
// the input, when it holds a PEM certificate; present says the object is
// there, so that one holding something else (a placeholder) is named.
func (objs kubeObjects) caFrom(kind, key string) (pem []byte, present bool) {
	o := objs.data[kind+"/"+key]
	if o == nil {
		return nil, false
	}
	var data []byte
	if kind == "Secret" {
		if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(o.get("data").get("ca.crt").str())); err == nil && len(b) > 0 {
			data = b
		} else {
			data = []byte(o.get("stringData").get("ca.crt").str())
		}
	} else {
		data = []byte(o.get("data").get("ca.crt").str())
	}
	if !bytes.Contains(data, []byte("-----BEGIN CERTIFICATE-----")) {
		return nil, true
	}
	return data, true
}

// servicePorts returns the ports of a Service backend: the port given by
// number, or by name through the Service object.
func (r *reader) servicePorts(objs kubeObjects, ns, name string, port *node, where string) []string {
	if n := port.get("number").str(); n != "" {
		return []string{n}
	}
	pname := port.get("name").str()
	if port != nil && port.kind == 'v' { // sectionName
		pname = port.str()
	}
	spec := objs.services[kubeKey(ns, name)]
	var out []string
	for _, p := range spec.get("ports").items() {
		if pname == "" || p.get("name").str() == pname {
			out = append(out, p.get("port").str())
		}
	}
	if len(out) == 0 {
		l, c := port.pos()
		if spec == nil {
			r.warn(l, c, "%s: the Service %s/%s is not in the input, so its port %q is unknown: skipped (add the Service's YAML)", where, ns, name, pname)
		} else {
			r.warn(l, c, "%s: the Service %s/%s has no port %q: skipped", where, ns, name, pname)
		}
	}
	return out
}

func svcHost(ns, name string) string {
	if ns == "" {
		ns = "default"
	}
	return name + "." + ns + ".svc.cluster.local"
}

var ingressAnnotations = map[string]bool{"backend-protocol": true, "proxy-ssl-verify": true, "proxy-ssl-secret": true,
	"proxy-ssl-name": true, "proxy-ssl-server-name": true, "proxy-ssl-protocols": true, "proxy-ssl-ciphers": true, "proxy-ssl-verify-depth": true}

func (r *reader) ingress(o *node, objs kubeObjects) {
	md := o.get("metadata")
	ns, name := md.get("namespace").str(), md.get("name").str()
	ann := md.get("annotations")
	a := func(k string) string { return ann.get(annot + k).str() }
	proto := strings.ToUpper(a("backend-protocol"))
	if proto != "HTTPS" && proto != "GRPCS" {
		return
	}
	where := "Ingress " + kubeKey(ns, name)
	annKeys, annVals := ann.mapping()
	for i, k := range annKeys {
		if s, ok := strings.CutPrefix(k, annot); ok && strings.HasPrefix(s, "proxy-ssl-") && !ingressAnnotations[s] {
			r.warn(annVals[i].line, annVals[i].col, "%s: annotation %s is not modelled: ignored", where, k)
		}
	}
	base := Target{Profile: "nginx-proxy", Gateway: "ingress-nginx", Settings: []string{"backend-protocol: " + proto}}
	if strings.EqualFold(a("proxy-ssl-verify"), "on") {
		base.Profile = "nginx-proxy-verify"
		base.Settings = append(base.Settings, "proxy-ssl-verify: on")
	}
	if s := a("proxy-ssl-secret"); s != "" {
		sns, sname, ok := strings.Cut(s, "/")
		if !ok {
			sns, sname = ns, s
		}
		if pem, present := objs.caFrom("Secret", kubeKey(sns, sname)); len(pem) > 0 {
			base.CAPEM = pem
		} else {
			if present {
				line, col := ann.get(annot + "proxy-ssl-secret").pos()
				r.warn(line, col, "%s: the Secret %s in the input holds no PEM certificate in ca.crt (a placeholder?)", where, kubeKey(sns, sname))
			}
			base.CARefs = []string{kubeKey(sns, sname)}
		}
		base.Settings = append(base.Settings, "proxy-ssl-secret: "+s)
	}
	if strings.EqualFold(a("proxy-ssl-server-name"), "on") {
		base.SNI = boolPtr(true)
		base.Settings = append(base.Settings, "proxy-ssl-server-name: on")
	}
	if n := a("proxy-ssl-name"); n != "" {
		base.ServerName = strings.ToLower(n)
		base.Settings = append(base.Settings, "proxy-ssl-name: "+n)
	}
	if p := a("proxy-ssl-protocols"); p != "" {
		base.Versions = nginxVersions(strings.Fields(p))
	}
	base.Ciphers = a("proxy-ssl-ciphers")
	fmt.Sscan(a("proxy-ssl-verify-depth"), &base.VerifyDepth)

	var backends []*node
	if db := o.get("spec").get("defaultBackend"); db != nil {
		backends = append(backends, db)
	}
	for _, rule := range o.get("spec").get("rules").items() {
		for _, p := range rule.get("http").get("paths").items() {
			backends = append(backends, p.get("backend"))
		}
	}
	for _, b := range backends {
		svc := b.get("service")
		sname := svc.get("name").str()
		if sname == "" {
			continue
		}
		line, col := svc.get("name").pos()
		for _, port := range r.servicePorts(objs, ns, sname, svc.get("port"), where) {
			t := base
			t.Input = fmt.Sprintf("https://%s:%s/", svcHost(ns, sname), port)
			t.Where = where + " -> Service " + sname
			t.Source = Source{File: r.file, Line: line, Col: col}
			r.add(t)
		}
	}
}

func (r *reader) backendTLSPolicy(o *node, objs kubeObjects) {
	md := o.get("metadata")
	ns, name := md.get("namespace").str(), md.get("name").str()
	where := "BackendTLSPolicy " + kubeKey(ns, name)
	spec := o.get("spec")
	r.unknownKeys(spec, where, "targetRefs", "targetRef", "validation", "options")
	v := spec.get("validation")
	r.unknownKeys(v, "validation of "+where, "hostname", "caCertificateRefs", "wellKnownCACertificates", "subjectAltNames")
	host := strings.ToLower(v.get("hostname").str())
	base := Target{Profile: "default", Gateway: "gateway-api", ServerName: host, SNI: boolPtr(true), Verify: boolPtr(true)}
	if host != "" {
		base.Settings = append(base.Settings, "validation.hostname: "+host)
	}
	for _, ref := range v.get("caCertificateRefs").items() {
		rname := ref.get("name").str()
		kind := ref.get("kind").str()
		if kind == "" {
			kind = "ConfigMap"
		}
		if pem, present := objs.caFrom(kind, kubeKey(ns, rname)); len(pem) > 0 {
			base.CAPEM = append(base.CAPEM, pem...)
		} else {
			if present {
				line, col := ref.get("name").pos()
				r.warn(line, col, "%s: the %s %s in the input holds no PEM certificate in ca.crt (a placeholder?)", where, kind, kubeKey(ns, rname))
			}
			base.CARefs = append(base.CARefs, kubeKey(ns, rname))
		}
		base.OnlyCAs = true
		base.Settings = append(base.Settings, "caCertificateRefs: "+rname)
	}
	refs := spec.get("targetRefs").items()
	if tr := spec.get("targetRef"); tr != nil {
		refs = append(refs, tr)
	}
	for _, tr := range refs {
		if k := tr.get("kind").str(); k != "" && k != "Service" {
			continue
		}
		sname := tr.get("name").str()
		line, col := tr.get("name").pos()
		port := tr.get("sectionName")
		for _, p := range r.servicePorts(objs, ns, sname, port, where) {
			t := base
			t.Input = fmt.Sprintf("https://%s:%s/", svcHost(ns, sname), p)
			t.Where = where + " -> Service " + sname
			t.Source = Source{File: r.file, Line: line, Col: col}
			r.add(t)
		}
	}
}
