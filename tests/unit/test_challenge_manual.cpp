// --manual: instructions through a callback, confirmation through another.
#include "challenge/manual.hpp"
#include "common/error.hpp"

#include <catch2/catch.hpp>

using acme::Error;
using acme::ErrorKind;
using acme::challenge::ChallengeTask;
using acme::challenge::ManualHttp01;
using acme::challenge::ManualPrompt;

namespace {

const ChallengeTask k_task{"manual.example", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0",
                           "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0."
                           "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"};

struct Recorder {
    std::vector<std::string> shown;
    int asked = 0;
    bool answer = true;
    ManualPrompt prompt() {
        return {[this](const std::string& text) { shown.push_back(text); },
                [this] {
                    ++asked;
                    return answer;
                }};
    }
};

} // namespace

TEST_CASE("manual http-01 shows the file and its content, then asks", "[challenge][manual]") {
    Recorder r;
    ManualHttp01 solver(r.prompt());
    CHECK(solver.challenge_type() == "http-01");
    ChallengeTask second = k_task;
    second.identifier = "2001:db8::1";
    solver.present(k_task);
    solver.present(second);
    CHECK(r.shown.empty()); // nothing until every task is known
    solver.ready();
    REQUIRE(r.shown.size() == 1);
    CHECK(r.asked == 1);
    const auto& text = r.shown.front();
    CHECK_THAT(text, Catch::Contains("path:    .well-known/acme-challenge/" + k_task.token));
    CHECK_THAT(text, Catch::Contains("content: " + k_task.key_authorization + "\n"));
    CHECK_THAT(text, Catch::Contains("http://manual.example/.well-known/acme-challenge/"));
    CHECK_THAT(text, Catch::Contains("http://[2001:db8::1]/.well-known/acme-challenge/"));
    solver.cleanup(k_task);
    solver.cleanup(second);
    solver.end();
}

TEST_CASE("manual http-01 stops the order when not confirmed", "[challenge][manual]") {
    Recorder r;
    r.answer = false;
    ManualHttp01 solver(r.prompt());
    solver.present(k_task);
    try {
        solver.ready();
        FAIL("ready() did not throw");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("not confirmed"));
    }
}

TEST_CASE("manual http-01 cannot run without a person", "[challenge][manual]") {
    Recorder r;
    auto half = r.prompt();
    half.confirm = nullptr;
    CHECK_THROWS_AS(ManualHttp01(ManualPrompt{}), Error);
    CHECK_THROWS_AS(ManualHttp01(half), Error);
}

TEST_CASE("manual http-01 refuses tokens and names that could escape",
          "[challenge][manual][escape]") {
    Recorder r;
    ManualHttp01 solver(r.prompt());
    auto refused = [&](const ChallengeTask& task) {
        try {
            solver.present(task);
        } catch (const Error& e) {
            return e.kind() == ErrorKind::protocol;
        }
        return false;
    };
    for (const char* token : {"../../etc/passwd", "a/b", "..", "a\nb", "", "tok%2F"}) {
        ChallengeTask task = k_task;
        task.token = token;
        task.key_authorization = std::string(token) + ".thumb";
        CHECK(refused(task));
    }
    ChallengeTask newline = k_task;
    newline.key_authorization = k_task.token + ".thumb\nrm -rf /";
    CHECK(refused(newline));
    ChallengeTask other_token = k_task;
    other_token.key_authorization = "other.thumb";
    CHECK(refused(other_token));
    ChallengeTask bad_name = k_task;
    bad_name.identifier = "evil.example\nCreate /etc/passwd";
    CHECK(refused(bad_name));
    solver.ready(); // nothing was accepted: nothing to show
    CHECK(r.shown.empty());
    CHECK(r.asked == 0);
}

TEST_CASE("manual dns-01 shows each TXT record, asks, then says to delete them",
          "[challenge][manual]") {
    Recorder r;
    acme::NullLogger log;
    acme::challenge::ManualDns01 solver(
        r.prompt(), {}, std::chrono::steady_clock::now() + std::chrono::seconds(30), log);
    CHECK(solver.challenge_type() == "dns-01");
    ChallengeTask wildcard = k_task;
    wildcard.identifier = "*.manual.example";
    wildcard.key_authorization = "other.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    solver.present(k_task);
    solver.present(wildcard);
    solver.ready();
    REQUIRE(r.shown.size() == 1);
    CHECK(r.asked == 1);
    const auto& text = r.shown[0];
    CHECK_THAT(text, Catch::Contains("_acme-challenge.manual.example. TXT \"") &&
                         Catch::Contains("(for manual.example)") &&
                         Catch::Contains("(for *.manual.example)"));
    solver.cleanup(k_task);
    solver.cleanup(wildcard);
    solver.end();
    REQUIRE(r.shown.size() == 2);
    CHECK_THAT(r.shown[1], Catch::Contains("you may delete them"));

    Recorder no;
    no.answer = false;
    acme::challenge::ManualDns01 declined(no.prompt(), {}, std::chrono::steady_clock::now(), log);
    declined.present(k_task);
    CHECK_THROWS_AS(declined.ready(), Error);
    CHECK_THROWS_AS(acme::challenge::ManualDns01({}, {}, std::chrono::steady_clock::now(), log),
                    Error);
    ChallengeTask bad = k_task;
    bad.identifier = "a b.example";
    CHECK_THROWS_AS(solver.present(bad), Error);
}
