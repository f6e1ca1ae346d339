#include "process/command_split.hpp"

#include "common/error.hpp"

#include <utility>

namespace acme::process {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n';
}

bool escapable_in_double_quotes(char c) {
    return c == '"' || c == '\\' || c == '$' || c == '`';
}

[[noreturn]] void throw_split(const std::string& what, const std::string& command) {
    throw Error(ErrorKind::usage, what + " in hook command: " + command);
}

// After an opening '; appends up to the closing ' and returns the position past it.
std::size_t read_single_quoted(const std::string& in, std::size_t pos, std::string& word) {
    std::size_t end = in.find('\'', pos);
    if (end == std::string::npos)
        throw_split("unterminated single quote", in);
    word.append(in, pos, end - pos);
    return end + 1;
}

// After an opening "; a backslash escapes only " \ $ ` as in sh, and
// backslash-newline continues the line.
std::size_t read_double_quoted(const std::string& in, std::size_t pos, std::string& word) {
    while (pos < in.size()) {
        char c = in[pos];
        if (c == '"')
            return pos + 1;
        char next = pos + 1 < in.size() ? in[pos + 1] : '\0';
        if (c == '\\' && next == '\n') {
            pos += 2;
        } else if (c == '\\' && escapable_in_double_quotes(next)) {
            word += next;
            pos += 2;
        } else {
            word += c;
            ++pos;
        }
    }
    throw_split("unterminated double quote", in);
}

} // namespace

std::vector<std::string> split_command(const std::string& command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false; // '' is an empty word, not nothing
    std::size_t pos = 0;
    while (pos < command.size()) {
        char c = command[pos];
        if (c == '\\' && pos + 1 < command.size() && command[pos + 1] == '\n') {
            pos += 2; // line continuation, as in sh
        } else if (is_blank(c)) {
            if (in_word)
                words.push_back(std::exchange(word, {}));
            in_word = false;
            ++pos;
        } else {
            in_word = true;
            if (c == '\'') {
                pos = read_single_quoted(command, pos + 1, word);
            } else if (c == '"') {
                pos = read_double_quoted(command, pos + 1, word);
            } else if (c == '\\') {
                if (pos + 1 == command.size())
                    throw_split("trailing backslash", command);
                word += command[pos + 1];
                pos += 2;
            } else {
                word += c;
                ++pos;
            }
        }
    }
    if (in_word)
        words.push_back(std::move(word));
    if (words.empty())
        throw Error(ErrorKind::usage, "empty hook command");
    return words;
}

} // namespace acme::process
