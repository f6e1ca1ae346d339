#include "http/curl_client.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/version.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <exception>
#include <mutex>

namespace acme::http {

namespace {

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
    void operator()(char* text) const { curl_free(text); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not thread-safe and must run once per process.
void global_init() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK) {
        throw Error(ErrorKind::network,
                    std::string("cannot initialise libcurl: ") + curl_easy_strerror(result));
    }
}

std::string trim(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return std::string(text);
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return out;
}

// "host:port" of a URL for error messages; the URL itself when curl cannot parse it.
std::string host_port(const std::string& url) {
    std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        return url;
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0);
    curl_url_get(parsed.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    const std::unique_ptr<char, CurlStringDeleter> host_owner(host);
    const std::unique_ptr<char, CurlStringDeleter> port_owner(port);
    if (!host)
        return url;
    return port ? std::string(host) + ":" + port : std::string(host);
}

std::string host_of(const std::string& url) {
    const auto hp = host_port(url);
    const auto colon = hp.rfind(':');
    return colon == std::string::npos || hp.back() == ']' ? hp : hp.substr(0, colon);
}

bool is_tls_verification_error(CURLcode code) {
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return true;
    default:
        return false;
    }
}

bool is_tls_handshake_error(CURLcode code) {
    switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

} // namespace

struct CurlClient::Impl {
    ClientOptions options;
    EasyHandle handle;
    std::size_t requests = 0;
    std::size_t connections = 0;
    // State of the transfer in progress; the callbacks fill it.
    Response response;
    bool body_too_large = false;
    bool callback_failed = false;     // out of memory inside a callback
    bool interrupted = false;         // on_progress saw a signal to acmectl
    const StreamSink* sink = nullptr; // post_stream's, while it runs
    bool sink_stopped = false;        // a sink function ended the transfer
    std::exception_ptr sink_error;    // what a sink function threw
    char error_buffer[CURL_ERROR_SIZE] = {};

    explicit Impl(ClientOptions opts) : options(std::move(opts)) {
        global_init();
        handle.reset(curl_easy_init());
        if (!handle)
            throw Error(ErrorKind::network, "cannot create a libcurl handle");
        if (options.user_agent.empty())
            options.user_agent = std::string("acmectl/") + ACMECTL_VERSION;
    }

    Response perform(const std::string& url);
    void apply_common_options(const std::string& url, const Slist& headers);
    // Fails early when Content-Length already announces too much. Not for
    // HEAD: curl would apply it to the Content-Length of a body never sent.
    void limit_body() {
        curl_easy_setopt(handle.get(), CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(options.max_body));
    }
    [[noreturn]] void throw_error(CURLcode code, const std::string& url) const;
    std::string curl_message(CURLcode code) const;

    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
    static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
    bool to_sink(std::string_view data);
    bool sink_keeps_going();
    void add_header_line(std::string_view line);
};

// Callbacks must not throw through libcurl's C frames: they record the
// failure and return a short count, which aborts the transfer with
// CURLE_WRITE_ERROR; perform() turns that into the right exception.
std::size_t CurlClient::Impl::on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto& impl = *static_cast<Impl*>(self);
    const std::size_t bytes = size * count;
    if (impl.sink)
        return impl.to_sink(std::string_view(data, bytes)) ? bytes : 0;
    if (impl.response.body.size() + bytes > impl.options.max_body) {
        impl.body_too_large = true;
        return 0;
    }
    try {
        impl.response.body.append(data, bytes);
    } catch (...) {
        impl.callback_failed = true;
        return 0;
    }
    return bytes;
}

std::size_t CurlClient::Impl::on_header(char* data, std::size_t size, std::size_t count,
                                        void* self) {
    auto& impl = *static_cast<Impl*>(self);
    const std::size_t bytes = size * count;
    try {
        impl.add_header_line(std::string_view(data, bytes));
    } catch (...) {
        impl.callback_failed = true;
        return 0;
    }
    return bytes;
}

// libcurl calls this at least once a second, also while waiting: a signal
// to acmectl ends the transfer within about a second.
int CurlClient::Impl::on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto& impl = *static_cast<Impl*>(self);
    impl.interrupted = interrupt::should_stop();
    if (impl.interrupted)
        return 1;
    return impl.sink && !impl.sink_keeps_going() ? 1 : 0;
}

// A sink function's false or exception ends the transfer; perform() sorts
// out which it was.
bool CurlClient::Impl::to_sink(std::string_view data) {
    try {
        if (sink->on_data(data))
            return true;
        sink_stopped = true;
    } catch (...) {
        sink_error = std::current_exception();
    }
    return false;
}

bool CurlClient::Impl::sink_keeps_going() {
    if (!sink->keep_going)
        return true;
    try {
        if (sink->keep_going())
            return true;
        sink_stopped = true;
    } catch (...) {
        sink_error = std::current_exception();
    }
    return false;
}

void CurlClient::Impl::add_header_line(std::string_view line) {
    // A status line starts a new response (after 100 Continue, or a 1xx
    // interim answer): drop what came before so headers never mix.
    if (line.starts_with("HTTP/")) {
        response.headers.clear();
        return;
    }
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        // obs-fold continuation (RFC 9112 §5.2): part of the previous value.
        const auto more = trim(line);
        if (!response.headers.empty() && !more.empty())
            response.headers.back().second += " " + more;
        return;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return; // the blank line ending the headers
    response.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
}

// curl_easy_reset clears every option but keeps the connection cache, so each
// request starts from a known state and still reuses the open connection.
void CurlClient::Impl::apply_common_options(const std::string& url, const Slist& headers) {
    CURL* h = handle.get();
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // no SIGALRM for timeouts in threaded callers
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
    if (!options.ca_bundle.empty())
        curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_bundle.c_str());
    if (options.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options.client_cert.empty())
        curl_easy_setopt(h, CURLOPT_SSLCERT, options.client_cert.c_str());
    if (!options.client_key.empty())
        curl_easy_setopt(h, CURLOPT_SSLKEY, options.client_key.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Impl::on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, this);
}

Response CurlClient::Impl::perform(const std::string& url) {
    response = Response{};
    body_too_large = false;
    callback_failed = false;
    interrupted = false;
    interrupt::throw_if_stopping();
    error_buffer[0] = '\0';
    ++requests;
    const CURLcode code = curl_easy_perform(handle.get());
    long new_connections = 0;
    if (curl_easy_getinfo(handle.get(), CURLINFO_NUM_CONNECTS, &new_connections) == CURLE_OK) {
        connections += static_cast<std::size_t>(new_connections);
    }
    // The header list belongs to the caller and dies with it: leave no
    // dangling pointer in the handle. (The POST body pointer is only read
    // during perform, and the next request resets every option anyway.)
    curl_easy_setopt(handle.get(), CURLOPT_HTTPHEADER, nullptr);
    if (code != CURLE_OK)
        throw_error(code, url);
    curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &response.status);
    return std::move(response);
}

std::string CurlClient::Impl::curl_message(CURLcode code) const {
    return error_buffer[0] != '\0' ? std::string(error_buffer)
                                   : std::string(curl_easy_strerror(code));
}

void CurlClient::Impl::throw_error(CURLcode code, const std::string& url) const {
    if (body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
        throw Error(ErrorKind::protocol, "response from " + url + " exceeds " +
                                             std::to_string(options.max_body) + " bytes");
    }
    if (callback_failed)
        throw std::bad_alloc();
    if (interrupted)
        interrupt::throw_if_stopping();
    const auto message = curl_message(code);
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        throw Error(ErrorKind::network, "cannot connect to " + host_port(url) + ": " + message);
    case CURLE_OPERATION_TIMEDOUT:
        throw Error(ErrorKind::timeout, "request to " + url + " timed out: " + message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        // Retrying cannot help, so this is not a (temporary) network error.
        throw Error(ErrorKind::protocol, "cannot fetch " + url + ": " + message);
    default:
        break;
    }
    if (is_tls_verification_error(code)) {
        // Most often a private CA (step-ca, Pebble, a company's own): say how to trust it.
        throw Error(ErrorKind::tls, "TLS verification of " + host_of(url) + " failed: " + message +
                                        " (for a CA with a private root, pass --ca-bundle FILE "
                                        "or set 'ca-bundle = FILE' in acmectl.conf)");
    }
    if (is_tls_handshake_error(code)) {
        throw Error(ErrorKind::tls, "TLS handshake with " + host_of(url) + " failed: " + message);
    }
    throw Error(ErrorKind::network, "request to " + url + " failed: " + message);
}

CurlClient::CurlClient(ClientOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {}

CurlClient::~CurlClient() = default;

Response CurlClient::get(const std::string& url) {
    const Slist headers;
    m_impl->apply_common_options(url, headers);
    curl_easy_setopt(m_impl->handle.get(), CURLOPT_HTTPGET, 1L);
    m_impl->limit_body();
    return m_impl->perform(url);
}

Response CurlClient::head(const std::string& url) {
    const Slist headers;
    m_impl->apply_common_options(url, headers);
    curl_easy_setopt(m_impl->handle.get(), CURLOPT_NOBODY, 1L);
    return m_impl->perform(url);
}

namespace {

Slist post_headers(const std::string& url, const std::string& content_type,
                   const std::vector<std::string>& extra) {
    if (content_type.find_first_of("\r\n") != std::string::npos) {
        throw Error(ErrorKind::usage, "invalid content type for " + url);
    }
    Slist headers(curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str()));
    if (!headers)
        throw std::bad_alloc();
    for (const auto& line : extra) {
        if (line.find_first_of("\r\n") != std::string::npos)
            throw Error(ErrorKind::usage, "invalid header for " + url);
        if (!curl_slist_append(headers.get(), line.c_str()))
            throw std::bad_alloc();
    }
    return headers;
}

void set_post_body(CURL* h, const std::string& body) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
}

} // namespace

Response CurlClient::post(const std::string& url, const std::string& body,
                          const std::string& content_type) {
    const Slist headers = post_headers(url, content_type, m_impl->options.extra_headers);
    m_impl->apply_common_options(url, headers);
    set_post_body(m_impl->handle.get(), body);
    m_impl->limit_body();
    return m_impl->perform(url);
}

StreamEnd CurlClient::post_stream(const std::string& url, const std::string& body,
                                  const std::string& content_type, const StreamSink& sink) {
    const Slist headers = post_headers(url, content_type, m_impl->options.extra_headers);
    m_impl->apply_common_options(url, headers);
    CURL* h = m_impl->handle.get();
    set_post_body(h, body);
    // A watch is idle for hours: TCP keepalives notice a peer that vanished.
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
    m_impl->sink = &sink;
    m_impl->sink_stopped = false;
    m_impl->sink_error = nullptr;
    StreamEnd end;
    try {
        end.status = m_impl->perform(url).status;
    } catch (...) {
        m_impl->sink = nullptr;
        if (m_impl->sink_error)
            std::rethrow_exception(m_impl->sink_error);
        if (!m_impl->sink_stopped)
            throw;
        end.stopped = true;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &end.status);
        return end;
    }
    m_impl->sink = nullptr;
    return end;
}

std::size_t CurlClient::requests() const {
    return m_impl->requests;
}

std::size_t CurlClient::connections() const {
    return m_impl->connections;
}

} // namespace acme::http
