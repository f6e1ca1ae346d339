/* Bench-only helper of expiry-blackbox.sh, not part of acmectl: the cheapest
 * certificate-expiry probe an OpenSSL client can make, to measure the floor
 * any tool on this machine stands on. COUNT TLS handshakes with
 * 127.0.0.1:PORT0+i, CONCURRENCY at a time on one thread (non-blocking
 * sockets, poll), each reading the leaf's notAfter and nothing else: no
 * chain verification (libssl's is skipped too), no close_notify, no output
 * but a count. The handshake is acmectl's (same SSL_CTX settings).
 *
 * usage: tls_floor PORT0 COUNT CONCURRENCY; exit 0 when every probe got a
 * notAfter, 1 otherwise (the failures on stderr). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot {
    int fd;
    SSL* ssl;
    int target;
};

static int accept_chain(X509_STORE_CTX* ctx, void* arg) {
    (void)ctx;
    (void)arg;
    return 1;
}

static SSL_CTX* make_ctx(void) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        exit(2);
    }
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, accept_chain, NULL);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

/* Starts a non-blocking connect to target; the fd, or -1. */
static int start(int port0, int target) {
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)(port0 + target));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

static void finish(struct slot* s, int* failed, int ok) {
    if (!ok) {
        fprintf(stderr, "tls_floor: target %d failed\n", s->target);
        ++*failed;
    }
    SSL_free(s->ssl);
    close(s->fd);
    s->ssl = NULL;
    s->fd = -1;
}

/* Drives one slot's handshake a step; the events to wait for, or 0 when it ended. */
static short step(SSL_CTX* ctx, struct slot* s, int* failed, long long* expiry_sum) {
    int rc;
    if (s->ssl == NULL) { /* connect done */
        s->ssl = SSL_new(ctx);
        SSL_set_fd(s->ssl, s->fd);
    }
    ERR_clear_error();
    rc = SSL_connect(s->ssl);
    if (rc == 1) {
        const X509* leaf = SSL_get0_peer_certificate(s->ssl);
        struct tm tm;
        int ok = leaf != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) == 1;
        if (ok) {
            *expiry_sum += (long long)timegm(&tm);
        }
        finish(s, failed, ok);
        return 0;
    }
    switch (SSL_get_error(s->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        return POLLIN;
    case SSL_ERROR_WANT_WRITE:
        return POLLOUT;
    default:
        finish(s, failed, 0);
        return 0;
    }
}

int main(int argc, char** argv) {
    int port0, count, conc, next = 0, active = 0, failed = 0, i;
    long long expiry_sum = 0;
    struct slot* slots;
    struct pollfd* pfds;
    SSL_CTX* ctx;
    if (argc != 4) {
        fprintf(stderr, "usage: tls_floor PORT0 COUNT CONCURRENCY\n");
        return 2;
    }
    port0 = atoi(argv[1]);
    count = atoi(argv[2]);
    conc = atoi(argv[3]);
    ctx = make_ctx();
    slots = calloc((size_t)conc, sizeof *slots);
    pfds = calloc((size_t)conc, sizeof *pfds);
    for (i = 0; i < conc; ++i) {
        slots[i].fd = -1;
        pfds[i].fd = -1;
    }
    do {
        for (i = 0; i < conc; ++i) { /* fill free slots */
            if (slots[i].fd < 0 && next < count) {
                slots[i].target = next++;
                slots[i].fd = start(port0, slots[i].target);
                if (slots[i].fd < 0) {
                    fprintf(stderr, "tls_floor: target %d: connect failed\n", slots[i].target);
                    ++failed;
                    --i; /* this slot takes the next target */
                    continue;
                }
                pfds[i].fd = slots[i].fd;
                pfds[i].events = POLLOUT;
                ++active;
            }
        }
        if (active == 0) {
            break;
        }
        if (poll(pfds, (nfds_t)conc, 30000) <= 0) {
            fprintf(stderr, "tls_floor: poll timed out or failed\n");
            return 1;
        }
        for (i = 0; i < conc; ++i) {
            if (pfds[i].fd < 0 || pfds[i].revents == 0) {
                continue;
            }
            pfds[i].events = step(ctx, &slots[i], &failed, &expiry_sum);
            if (pfds[i].events == 0) {
                pfds[i].fd = -1;
                --active;
            }
        }
    } while (active > 0 || next < count);
    printf("%d probes, %d failed, mean notAfter %lld\n", count, failed,
           count > failed ? expiry_sum / (count - failed) : 0);
    SSL_CTX_free(ctx);
    free(slots);
    free(pfds);
    return failed == 0 ? 0 : 1;
}
