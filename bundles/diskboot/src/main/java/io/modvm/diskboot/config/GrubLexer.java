package io.modvm.diskboot.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits grub.cfg into commands of raw words, as GRUB's shell-like script reads it: newlines and unquoted
 * {@code ;} end a command, {@code #} starts a comment, unquoted {@code {} and {@code }} are words of their own. A
 * word keeps its quotes, so that variables expand when the command runs with the variables set by then.
 */
final class GrubLexer {
    private GrubLexer() {
    }

    static List<List<String>> commands(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                while (c == '"' && end > 0 && text.charAt(end - 1) == '\\') {
                    end = text.indexOf(c, end + 1);
                }
                end = end < 0 ? n - 1 : end;
                word.append(text, i, end + 1);
                i = end + 1;
                continue;
            }
            if (c == '\\' && i + 1 < n) {
                if (text.charAt(i + 1) != '\n') {
                    word.append(c).append(text.charAt(i + 1));
                }
                i += 2;
                continue;
            }
            if (c == '#' && word.length() == 0) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\n' || c == ';' || c == ' ' || c == '\t' || c == '\r') {
                flush(word, words);
                if (c == '\n' || c == ';') {
                    end(words, out);
                    words = new ArrayList<>();
                }
                i++;
                continue;
            }
            boolean alone = i + 1 == n || " \t\r\n;".indexOf(text.charAt(i + 1)) >= 0;
            if ((c == '{' || c == '}') && word.length() == 0 && alone) {
                // A brace ends its command: "{" closes a menuentry's line, "}" stands alone.
                if (c == '}') {
                    end(words, out);
                    words = new ArrayList<>();
                }
                words.add(String.valueOf(c));
                end(words, out);
                words = new ArrayList<>();
                i++;
                continue;
            }
            word.append(c);
            i++;
        }
        flush(word, words);
        end(words, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static void end(List<String> words, List<List<String>> out) {
        if (!words.isEmpty()) {
            out.add(words);
        }
    }
}
