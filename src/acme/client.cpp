#include "acme/client.hpp"

#include "acme/json_access.hpp"
#include "acme/problem.hpp"
#include "common/interrupt.hpp"
#include "crypto/base64url.hpp"
#include "crypto/jws.hpp"

namespace acme {

namespace {

bool is_success(long status) { return status >= 200 && status < 300; }

// A Replay-Nonce is base64url (RFC 8555 §6.5.1); anything else is ignored
// rather than echoed back into a signed header.
bool valid_nonce(const std::string& nonce) {
    return nonce.size() <= 256 && crypto::is_base64url(nonce);
}

} // namespace

Client::Client(http::Transport& transport, std::string directory_url, Logger& log,
               ClientOptions options)
    : m_transport(transport), m_directory_url(std::move(directory_url)), m_log(log),
      m_options(std::move(options)) {}

const Directory& Client::directory() {
    if (!m_directory) {
        check_url(m_directory_url, m_directory_url.rfind("http://", 0) == 0, "directory URL");
        auto response = get(m_directory_url, "the directory request");
        m_directory = parse_directory(response.body, m_directory_url);
    }
    return *m_directory;
}

void Client::set_signer(const crypto::Signer& signer, std::string account_url) {
    m_signer = &signer;
    m_account_url = std::move(account_url);
}

const crypto::Signer& Client::signer() const {
    if (m_signer == nullptr) {
        throw Error(ErrorKind::config, "no account key set for signed ACME requests");
    }
    return *m_signer;
}

void Client::check_server_url(const std::string& url, std::string_view what) const {
    check_url(url, m_directory_url.rfind("http://", 0) == 0, what);
}

void Client::sleep(std::chrono::milliseconds duration) const {
    if (m_options.sleep) {
        m_options.sleep(duration);
    } else {
        interrupt::sleep_for(duration);
    }
}

void Client::remember_nonce(const http::Response& response) {
    auto nonce = response.header("replay-nonce");
    if (valid_nonce(nonce)) {
        m_nonce = nonce;
    }
}

std::string Client::take_nonce() {
    if (!m_nonce) {
        auto response = m_transport.head(directory().new_nonce);
        if (!is_success(response.status)) {
            throw problem_from_response(response, "the newNonce request");
        }
        remember_nonce(response);
        if (!m_nonce) {
            throw Error(ErrorKind::protocol, "the CA's newNonce answer has no valid Replay-Nonce");
        }
    }
    auto nonce = std::move(*m_nonce);
    m_nonce.reset();
    return nonce;
}

bool Client::should_wait(const http::Response& response, int& waits, std::string_view context) {
    if (response.status != 429 && response.status != 503) {
        return false;
    }
    auto after = response.retry_after();
    if (!after || *after > m_options.max_retry_after || waits >= m_options.max_waits) {
        return false;
    }
    ++waits;
    m_log.info("the CA asked to retry " + std::string(context) + " in " +
               std::to_string(after->count()) + " s");
    sleep(std::max(std::chrono::milliseconds(*after), std::chrono::milliseconds(1000)));
    return true;
}

http::Response Client::get(const std::string& url, std::string_view context) {
    int waits = 0;
    for (;;) {
        auto response = m_transport.get(url);
        remember_nonce(response);
        if (is_success(response.status)) {
            return response;
        }
        if (!should_wait(response, waits, context)) {
            throw problem_from_response(response, context);
        }
    }
}

http::Response Client::post(const std::string& url, const std::optional<nlohmann::json>& payload,
                            std::string_view context) {
    const auto& key = signer();
    const std::string body = payload ? payload->dump() : std::string();
    int bad_nonces = 0;
    int waits = 0;
    for (;;) {
        nlohmann::json header = {{"nonce", take_nonce()}, {"url", url}};
        if (m_account_url.empty()) {
            header["jwk"] = key.jwk();
        } else {
            header["kid"] = m_account_url;
        }
        auto jws = crypto::make_jws(key, header, body);
        ++m_signed_requests;
        auto response = m_transport.post(url, jws.dump(), "application/jose+json");
        remember_nonce(response);
        if (is_success(response.status)) {
            return response;
        }
        auto problem = problem_from_response(response, context);
        if (problem.is(problem_type::bad_nonce) && bad_nonces < m_options.max_bad_nonce_retries) {
            ++bad_nonces;
            m_log.debug("badNonce on " + std::string(context) + ", retrying");
            continue;
        }
        if (!should_wait(response, waits, context)) {
            throw problem;
        }
    }
}

} // namespace acme
