// Connects to lab endpoints with Java's HttpsURLConnection (JSSE defaults),
// trusting only the root in the PEM file given (the argument). Reads
// "host port timeout-seconds" lines on standard input and
// prints, per target in order, "OK" or "FAIL<TAB>own<TAB>message", where own
// is 1 when the message is Java's (the exception as an application logs
// it: its toString) and 0 when it is the harness's. Lab names resolve
// through the hosts file named by -Djdk.net.hosts.file.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.*;
import java.util.*;
import java.util.concurrent.*;
import javax.net.ssl.*;

public class Client {
    public static void main(String[] args) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = new FileInputStream(args[0])) {
            ks.setCertificateEntry("lab-root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        List<String[]> jobs = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (!line.isBlank()) jobs.add(line.trim().split(" "));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> out = new ArrayList<>();
        for (String[] job : jobs) {
            out.add(pool.submit(() -> one(ctx.getSocketFactory(), job[0], job[1], Integer.parseInt(job[2]) * 1000)));
        }
        for (Future<String> f : out) System.out.println(f.get());
        pool.shutdown();
    }

    static String one(SSLSocketFactory sf, String host, String port, int timeout) {
        try {
            HttpsURLConnection c = (HttpsURLConnection) new URL("https://" + host + ":" + port + "/").openConnection();
            c.setSSLSocketFactory(sf);
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            int code = c.getResponseCode();
            String body = new String(c.getInputStream().readNBytes(1 << 20), StandardCharsets.ISO_8859_1);
            if (code == 200 && body.contains("tlsdoctor lab: ok")) return "OK";
            return "FAIL\t0\t(HTTP " + code + ")";
        } catch (Exception e) {
            return "FAIL\t1\t" + String.valueOf(e).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", " ");
        }
    }
}
