package web

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// chromium finds headless Chromium: $TLSDOCTOR_CHROMIUM, or Debian's
// package on the PATH.
func chromium() string {
	if p := os.Getenv("TLSDOCTOR_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestInABrowser drives headless Chromium with scripts turned off, as a
// user would: load the page, submit a lab target, see the cause, open the
// permalink. A certificate full of markup raises no dialog.
//
// TLSDOCTOR_SCREENSHOT=docs/serve-report.png also saves a report page.
func TestInABrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("headless Chromium is not installed (Debian packages chromium, chromium-driver; .ci/run installs them): the browser test is skipped")
	}
	e := newEnv(t, allowLoopback())
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1400),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	// The first run starts the browser; it must not carry a time-out.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	var dialogs atomic.Int64
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	scripts(false)

	ep := e.lab.Endpoint("chain-incomplete-aia")
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#target")),
		chromedp.SendKeys(chromedp.CSS("#target"), ep.URL()),
		chromedp.SetValue(chromedp.CSS("#profile"), "java-8"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#cause")),
	)
	if err != nil {
		t.Fatal(err)
	}
	cause, summary := text("#cause"), text("#summary")
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#permalink"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	permalink := link.Value
	if cause != "CHAIN_INCOMPLETE" || !strings.Contains(summary, "intermediate") || !strings.HasPrefix(permalink, "/r/") {
		t.Fatalf("after submitting: cause %q, summary %q, permalink %q", cause, summary, permalink)
	}

	// The permalink, opened afresh, shows the same result.
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate(e.ts.URL+permalink),
		chromedp.WaitVisible(chromedp.CSS("#cause")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if again, client := text("#cause"), text(".meta b"); again != cause || client != "java-8" {
		t.Errorf("the permalink shows %q for %q", again, client)
	}
	if path := os.Getenv("TLSDOCTOR_SCREENSHOT"); path != "" {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 1500)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Markup in a certificate stays text, even with scripts on.
	root, _ := pki.NewRoot(pki.Spec{CN: "Browser XSS Root"})
	leaf, _ := root.Leaf(pki.Spec{CN: "<script>alert(1)</script>", DNS: []string{"xss.test", `<img src=x onerror=alert(2)>`}})
	addr := tlsServer(t, func() tls.Certificate { return leaf.TLS() })
	_, port, _ := net.SplitHostPort(addr)
	e.names.add("xss.test", "127.0.0.1")
	scripts(true)
	err = chromedp.Do(ctx,
		chromedp.Navigate(e.ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#target")),
		chromedp.SendKeys(chromedp.CSS("#target"), "https://xss.test:"+port+"/"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#cause")),
		chromedp.Sleep(300*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Go's Name.String escapes < as \<; the browser shows it as text.
	if subject := text(".chain .subject"); !strings.Contains(subject, `\<script\>alert(1)`) {
		t.Errorf("the subject is not shown as text: %q", subject)
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d script dialogs opened", n)
	}
	// A page that does run a script opens a dialog: the test can fail.
	chromedp.Do(ctx, chromedp.Navigate("data:text/html,<script>alert(1)</script>"))
	for deadline := time.Now().Add(5 * time.Second); dialogs.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if dialogs.Load() != 1 {
		t.Errorf("the dialog watch saw %d dialogs on a page that opens one", dialogs.Load())
	}
}
