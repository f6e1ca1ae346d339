#include "ops/check_online.hpp"

#include "acme/client.hpp"
#include "acme/json_access.hpp"
#include "acme/problem.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/crl.hpp"
#include "crypto/ocsp.hpp"
#include "crypto/x509.hpp"
#include "ops/account_session.hpp"
#include "renew/ari.hpp"
#include "store/atomic_file.hpp"

#include <map>

namespace acme::ops {

namespace {

constexpr std::size_t max_pem_bytes = 1 << 20;

// One connection per CA for the whole run; account statuses asked once.
struct CaConnection {
    std::unique_ptr<http::Transport> transport;
    std::unique_ptr<Client> client;
    std::map<std::string, std::string> account_status; // by account name
    std::vector<AccountSession> sessions;              // the client signs with them
};

class OnlineChecker {
  public:
    OnlineChecker(const store::Store& store, const TransportFactory& transports, SysSeconds now,
                  Logger& log)
        : m_store(store), m_transports(transports), m_now(now), m_log(log) {}

    void check(LineageHealth& h) {
        h.online.emplace();
        const auto config = m_store.read_config(h.name);
        const auto server = config.value("server", std::string());
        const auto account = config.value("account", std::string("default"));
        if (server.empty()) {
            add_finding(h, Status::unknown, "config.json names no CA to ask");
            return;
        }
        auto& ca = connection(server);
        step(h, "account", [&] { check_account(h, ca, server, account); });
        const auto dir = m_store.current_dir(h.name);
        if (!m_store.current_version(h.name)) {
            return;
        }
        const auto cert_pem = store::read_file(dir / "cert.pem", max_pem_bytes);
        const auto cert = crypto::read_certificate(cert_pem);
        step(h, "renewalInfo", [&] { check_ari(h, ca, cert); });
        step(h, "revocation", [&] {
            const auto chain =
                crypto::split_pem_chain(store::read_file(dir / "chain.pem", max_pem_bytes));
            check_revocation(h, cert, cert_pem, chain.front());
        });
    }

  private:
    template <class F> void step(LineageHealth& h, const char* what, F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            add_finding(h, Status::unknown, std::string("online ") + what + ": " + e.what());
        }
    }

    CaConnection& connection(const std::string& server) {
        auto& ca = m_cas[server];
        if (!ca.client) {
            ca.transport = m_transports("");
            ca.client = std::make_unique<Client>(*ca.transport, server, m_log);
        }
        return ca;
    }

    void check_account(LineageHealth& h, CaConnection& ca, const std::string& server,
                       const std::string& account) {
        auto known = ca.account_status.find(account);
        if (known == ca.account_status.end() && !m_store.load_account(server, account)) {
            // Moved aside by register --deactivate, or never made: renewals cannot sign.
            h.online->account_status = "missing";
            add_finding(h, Status::critical,
                        "no account '" + account + "' for " + server +
                            " in the store: renewals will fail (run 'acmectl register')");
            return;
        }
        if (known == ca.account_status.end()) {
            ca.sessions.push_back(load_account_session(m_store, *ca.client, server, account));
            known = ca.account_status.emplace(account, account_status(*ca.client)).first;
        }
        h.online->account_status = known->second;
        if (known->second != "valid") {
            add_finding(h, Status::critical,
                        "the CA says account '" + account + "' is " + known->second +
                            ": renewals will fail");
        }
    }

    // RFC 8555 §7.3.6: a deactivated account's requests are refused, so the
    // refusal is the answer, not a failure to ask.
    static std::string account_status(Client& client) {
        try {
            const auto object = show_account(client);
            return object.value("status", std::string("unknown"));
        } catch (const Problem& p) {
            if (p.is("unauthorized") || p.is("accountDoesNotExist")) {
                return "refused (" + p.detail() + ")";
            }
            throw;
        }
    }

    void check_ari(LineageHealth& h, CaConnection& ca, const crypto::CertInfo& cert) {
        const auto& dir = ca.client->directory();
        if (dir.renewal_info.empty() || cert.aki_keyid.empty()) {
            return; // the CA offers no ARI (or cannot for this certificate)
        }
        const auto response =
            ca.client->get(dir.renewal_info + "/" + renew::ari_cert_id(cert), "renewalInfo");
        const auto window = renew::parse_renewal_info(response.body);
        if (!window) {
            add_finding(h, Status::unknown, "the CA's renewalInfo answer is malformed");
            return;
        }
        h.online->ari_start = window->start;
        h.online->ari_end = window->end;
        const auto span = iso8601_utc(window->start) + " to " + iso8601_utc(window->end);
        if (window->end < m_now) {
            add_finding(h, Status::warning,
                        "the CA's renewal window (" + span + ") has passed: run acmectl renew");
        } else if (window->start <= m_now) {
            add_finding(h, Status::ok,
                        "the CA's renewal window is open (" + span + "): renew will replace it");
        }
    }

    // OCSP when the certificate names a responder, else the CRL it names
    // (Let's Encrypt publishes CRLs only); "none" when it names neither.
    void check_revocation(LineageHealth& h, const crypto::CertInfo& cert,
                          const std::string& cert_pem, const std::string& issuer_pem) {
        auto& online = *h.online;
        crypto::RevocationAnswer answer;
        if (!cert.ocsp_urls.empty()) {
            online.revocation_source = "OCSP responder";
            answer = crypto::parse_ocsp_response(
                fetch(cert.ocsp_urls.front(), crypto::ocsp_request(cert_pem, issuer_pem)), cert_pem,
                issuer_pem);
        } else if (!cert.crl_urls.empty()) {
            online.revocation_source = "CRL";
            answer = crypto::check_crl(fetch(cert.crl_urls.front(), {}), cert_pem, issuer_pem);
        } else {
            online.revocation = "none";
            return;
        }
        online.revocation = crypto::revocation_status_name(answer.status);
        const auto source = "the CA's " + online.revocation_source;
        if (answer.status == crypto::RevocationStatus::revoked) {
            add_finding(h, Status::critical,
                        source + " says revoked" +
                            (answer.revoked_at ? " at " + iso8601_utc(*answer.revoked_at) : "") +
                            (answer.reason.empty() ? "" : " (" + answer.reason + ")") +
                            ": run acmectl renew --force");
        } else if (answer.status == crypto::RevocationStatus::unknown) {
            add_finding(h, Status::warning, source + " does not know this certificate");
        }
    }

    // The body of a 200 answer: a POSTed OCSP request, or a GET when empty.
    std::string fetch(const std::string& url, const std::string& ocsp_request) const {
        check_url(url, true, "the certificate's revocation URL");
        const auto transport = m_transports("");
        const auto response = ocsp_request.empty()
                                  ? transport->get(url)
                                  : transport->post(url, ocsp_request, "application/ocsp-request");
        if (response.status != 200) {
            throw Error(ErrorKind::protocol,
                        url + " answered HTTP " + std::to_string(response.status));
        }
        return response.body;
    }

    const store::Store& m_store;
    const TransportFactory& m_transports;
    SysSeconds m_now;
    Logger& m_log;
    std::map<std::string, CaConnection> m_cas;
};

} // namespace

void check_online(const store::Store& store, std::vector<LineageHealth>& all,
                  const TransportFactory& transports, SysSeconds now, Logger& log) {
    OnlineChecker checker(store, transports, now, log);
    for (auto& h : all) {
        try {
            checker.check(h);
        } catch (const std::exception& e) {
            add_finding(h, Status::unknown, std::string("online: ") + e.what());
        }
    }
}

} // namespace acme::ops
