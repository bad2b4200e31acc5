package io.agentwatch;
public final class App { public static void main(String[] a) {} }
