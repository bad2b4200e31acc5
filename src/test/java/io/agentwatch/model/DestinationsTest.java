package io.agentwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DestinationsTest {

    @Test
    void shouldTakeTheHostOfAUrlLowerCasedWithoutUserInfoOrPort() {
        assertThat(Destinations.of("https://Paste.Example:8443/x?q=secret#f")).containsExactly("paste.example");
        assertThat(Destinations.of("http://user:pw@files.example./drop")).containsExactly("files.example");
        assertThat(Destinations.of("ftp://[2001:db8::1]:21/x")).containsExactly("[2001:db8::1]");
        assertThat(Destinations.isNetworkAddress("https://paste.example/x")).isTrue();
    }

    @Test
    void shouldTakeEachAddressOfAMailtoTarget() {
        assertThat(Destinations.of("mailto:A@X.example, b@y.example,a@x.example?subject=hi"))
                .containsExactly("a@x.example", "b@y.example");
        assertThat(Destinations.isNetworkAddress("MAILTO:a@x.example")).isTrue();
    }

    @Test
    void shouldTakeTheOpaquePartOfOtherSchemes() {
        assertThat(Destinations.of("iban:DE00TESTTEST")).containsExactly("DE00TESTTEST");
        assertThat(Destinations.of("slack:channel/general")).containsExactly("channel/general");
        assertThat(Destinations.isNetworkAddress("slack:channel/general")).isFalse();
    }

    @Test
    void shouldTakeAWholeTargetWithoutScheme() {
        assertThat(Destinations.of("reports/q3.pdf")).containsExactly("reports/q3.pdf");
        assertThat(Destinations.of("  ")).isEmpty();
        assertThat(Destinations.of(null)).isEmpty();
        assertThat(Destinations.isNetworkAddress("reports/q3.pdf")).isFalse();
    }

    @Test
    void shouldYieldNoDestinationForANetworkTargetThatNamesNobody() {
        // a model's garbled arguments: nothing can be delivered there
        assertThat(Destinations.of("https://")).isEmpty();
        assertThat(Destinations.of("https://exa mple.com/x")).isEmpty();
        assertThat(Destinations.of("mailto:extracted from the list")).isEmpty();
        assertThat(Destinations.of("mailto:<object><field>a@x.example</field></object>")).isEmpty();
        assertThat(Destinations.of("iban:")).isEmpty();
    }
}
