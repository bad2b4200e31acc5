package io.agentwatch.catalog;

import java.util.regex.Pattern;

/** Shell-style globs (* any run, ? one character), matched against the whole string. */
public final class Glob {
    private Glob() {
    }

    public static Pattern toPattern(String glob) {
        return toPattern(glob, 0);
    }

    /** {@code flags} as for {@link Pattern#compile(String, int)}, e.g. {@link Pattern#CASE_INSENSITIVE}. */
    public static Pattern toPattern(String glob, int flags) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), flags);
    }

    public static boolean matches(String glob, String value) {
        return value != null && toPattern(glob).matcher(value).matches();
    }
}
