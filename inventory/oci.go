package inventory

// OCI API Gateway: a deployment as 'oci api-gateway deployment get' prints
// it ({"data": {...}} with kebab-case keys), as the API returns it
// (camelCase), or its specification alone. Every route whose back end is an
// HTTP_BACKEND with an https:// URL is checked as oci-apigw; a
// DYNAMIC_ROUTING_BACKEND's back ends too. isSslVerifyDisabled turns
// verification off. CA bundles (caBundles on a gateway) are named by OCID:
// map them with --ca-bundle OCID=FILE.

// ociSpec finds the deployment specification in a document.
func ociSpec(d *node) *node {
	for _, n := range []*node{d.getNorm("data"), d} {
		if n == nil {
			continue
		}
		if s := n.getNorm("specification"); s != nil && s.getNorm("routes") != nil {
			return s
		}
		if r := n.getNorm("routes"); r != nil && r.kind == 's' {
			for _, rt := range r.items() {
				if rt.getNorm("backend") != nil {
					return n
				}
			}
		}
	}
	return nil
}

var ociBackendKeys = []string{"type", "url", "connectTimeoutInSeconds", "readTimeoutInSeconds", "sendTimeoutInSeconds",
	"isSslVerifyDisabled", "functionId", "body", "headers", "status", "routingBackends", "selectionSource", "allowedPostLogoutUris", "postLogoutState"}

func (r *reader) oci(d *node) {
	spec := ociSpec(d)
	var caRefs []string
	for _, n := range []*node{d.getNorm("data"), d} {
		for _, b := range n.getNorm("caBundles").items() {
			if id := b.getNorm("caBundleId").str(); id != "" {
				caRefs = append(caRefs, id)
			} else if id := b.getNorm("certificateAuthorityId").str(); id != "" {
				caRefs = append(caRefs, id)
			}
		}
	}
	for _, rt := range spec.getNorm("routes").items() {
		path := rt.getNorm("path").str()
		r.ociBackend(rt.getNorm("backend"), "route "+path, caRefs, 0)
	}
}

func (r *reader) ociBackend(b *node, where string, caRefs []string, depth int) {
	if b == nil || depth > 4 {
		return
	}
	r.unknownKeys(b, "the back end of "+where, ociBackendKeys...)
	switch b.getNorm("type").str() {
	case "HTTP_BACKEND":
		u := b.getNorm("url")
		line, col := u.pos()
		raw, ok := r.httpsTarget(u.str(), line, col, "back-end url")
		if !ok {
			return
		}
		t := Target{Input: raw, Profile: "oci-apigw", Gateway: "oci-apigw", Where: where, CARefs: caRefs,
			Source: Source{File: r.file, Line: line, Col: col}}
		if b.getNorm("isSslVerifyDisabled").isTrue() {
			t.Verify = boolPtr(false)
			t.Settings = append(t.Settings, "isSslVerifyDisabled: true")
		}
		r.add(t)
	case "DYNAMIC_ROUTING_BACKEND":
		for _, rb := range b.getNorm("routingBackends").items() {
			key := rb.getNorm("key").getNorm("name").str()
			r.ociBackend(rb.getNorm("backend"), where+" (routing key "+key+")", caRefs, depth+1)
		}
	}
}
