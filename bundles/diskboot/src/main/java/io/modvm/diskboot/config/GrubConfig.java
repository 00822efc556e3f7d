package io.modvm.diskboot.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GRUB 2's grub.cfg in the shape {@code grub-mkconfig} writes it: {@code set} (the last one run wins:
 * conditionals are not evaluated, so both branches of an {@code if} run in order, and grub-mkconfig's
 * {@code else} branch, which holds the configured default, comes last), {@code menuentry} and {@code submenu} with
 * {@code --id}, {@code search --set}, {@code linux}/{@code linux16}/{@code linuxefi}, {@code initrd} and its
 * variants, {@code $variables}. The default is an index, a title or an id, with {@code >} between the levels of
 * submenus; {@code saved} and anything that names no entry mean the first. Other commands are ignored.
 */
public final class GrubConfig {
    private static final Set<String> KEYWORDS = Set.of("then", "else", "do");
    private static final Set<String> SKIPPED = Set.of("if", "elif", "fi", "while", "until", "done", "for");
    private static final Set<String> WITH_ARGUMENT = Set.of("--class", "--users", "--hotkey", "--id");

    private final List<List<String>> commands;
    private final DeviceSearch search;
    private final Map<String, String> globals = new HashMap<>();
    private int at;

    private GrubConfig(String text, DeviceSearch search) {
        this.commands = GrubLexer.commands(text);
        this.search = search;
        // Every GRUB 2 grub-mkconfig targets has feature_menuentry_id: entries name their id with --id.
        globals.put("menuentry_id_option", "--id");
    }

    /** A parsed grub.cfg at {@code file}; {@code search} resolves its {@code search} commands on this disk. */
    public static ConfigMenu parse(String file, String text, DeviceSearch search) {
        GrubConfig p = new GrubConfig(text, search);
        List<Item> items = p.block(p.globals, null);
        List<ConfigEntry> flat = new ArrayList<>();
        flatten(items, "", flat);
        int def = defaultIndex(items, p.globals.getOrDefault("default", "0"), flat);
        return new ConfigMenu(file, flat, def);
    }

    /** An entry, or a submenu of items. */
    private record Item(String title, String id, ConfigEntry entry, List<Item> children) {
    }

    /**
     * Runs commands until the block's closing brace (or the end); returns the menu items it defined.
     *
     * @param entry what the menu entry whose block this is has set so far, or null outside an entry
     */
    private List<Item> block(Map<String, String> vars, EntryState entry) {
        List<Item> items = new ArrayList<>();
        while (at < commands.size()) {
            List<String> raw = commands.get(at++);
            if (raw.get(0).equals("}")) {
                return items;
            }
            List<String> words = raw;
            while (!words.isEmpty() && KEYWORDS.contains(words.get(0))) {
                words = words.subList(1, words.size());
            }
            if (words.isEmpty() || SKIPPED.contains(words.get(0))) {
                continue;
            }
            boolean opens = words.get(words.size() - 1).equals("{");
            String cmd = words.get(0);
            List<String> args = new ArrayList<>();
            for (String w : words.subList(1, opens ? words.size() - 1 : words.size())) {
                args.add(GrubWords.expand(w, vars));
            }
            if (opens && (cmd.equals("menuentry") || cmd.equals("submenu"))) {
                items.add(menu(cmd, args, vars));
            } else if (opens) {
                block(new HashMap<>(vars), entry); // a function or unknown block: its sets kept local
            } else if (entry != null) {
                entryCommand(cmd, args, vars, entry);
            } else {
                command(cmd, args, vars);
            }
        }
        return items;
    }

    private Item menu(String cmd, List<String> args, Map<String, String> vars) {
        String title = null;
        String id = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--id=")) {
                id = a.substring(5);
            } else if (WITH_ARGUMENT.contains(a)) {
                if (a.equals("--id") && i + 1 < args.size()) {
                    id = args.get(i + 1);
                }
                i++;
            } else if (a.startsWith("--") || a.isEmpty()) {
                continue;
            } else if (title == null) {
                title = a;
            }
        }
        title = title == null ? "" : title;
        Map<String, String> scope = new HashMap<>(vars);
        scope.put("chosen", title);
        if (cmd.equals("submenu")) {
            return new Item(title, id != null ? id : title, null, block(scope, null));
        }
        EntryState state = new EntryState();
        block(scope, state);
        ConfigEntry entry = state.kernel == null ? null
                : new ConfigEntry(title, id != null ? id : title, state.kernel, state.initrds, state.cmdline);
        return new Item(title, id != null ? id : title, entry, null);
    }

    /** What an entry's commands set. */
    private static final class EntryState {
        FileRef kernel;
        List<FileRef> initrds = new ArrayList<>();
        String cmdline = "";
    }

    private void entryCommand(String cmd, List<String> args, Map<String, String> vars, EntryState s) {
        switch (cmd) {
            case "linux", "linux16", "linuxefi" -> {
                if (!args.isEmpty()) {
                    s.kernel = ref(args.get(0), vars);
                    s.cmdline = String.join(" ", args.subList(1, args.size()));
                }
            }
            case "initrd", "initrd16", "initrdefi" -> {
                s.initrds = new ArrayList<>();
                for (String a : args) {
                    if (!a.startsWith("--")) {
                        s.initrds.add(ref(a, vars));
                    }
                }
            }
            default -> command(cmd, args, vars);
        }
    }

    private void command(String cmd, List<String> args, Map<String, String> vars) {
        if (cmd.equals("set") && !args.isEmpty()) {
            assign(args.get(0), vars);
        } else if (cmd.contains("=") && args.isEmpty()) {
            assign(cmd, vars);
        } else if (cmd.equals("search")) {
            search(args, vars);
        }
    }

    private void assign(String assignment, Map<String, String> vars) {
        int eq = assignment.indexOf('=');
        String name = eq < 0 ? assignment : assignment.substring(0, eq);
        if (name.equals("menuentry_id_option")) {
            return;
        }
        vars.put(name, eq < 0 ? "" : assignment.substring(eq + 1));
    }

    private void search(List<String> args, Map<String, String> vars) {
        String kind = "file";
        String setVar = "root";
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--fs-uuid", "-u" -> kind = "fs-uuid";
                case "--label", "-l" -> kind = "label";
                case "--file", "-f" -> kind = "file";
                case "--set", "-s" -> {
                    if (i + 1 < args.size() && !args.get(i + 1).startsWith("-") && i + 2 < args.size()) {
                        setVar = args.get(++i);
                    }
                }
                default -> {
                    if (a.startsWith("--set=")) {
                        setVar = a.substring(6);
                    } else if (a.startsWith("--hint")) {
                        if (!a.contains("=")) {
                            i++;
                        }
                    } else if (!a.startsWith("-")) {
                        name = a;
                    }
                }
            }
        }
        if (name != null) {
            String device = search.find(kind, name);
            if (device != null) {
                vars.put(setVar, device);
            }
        }
    }

    /** A path as GRUB reads it: {@code (hd0,msdos1)/boot/x}, or relative to {@code $root}. */
    private static FileRef ref(String path, Map<String, String> vars) {
        if (path.startsWith("(")) {
            int close = path.indexOf(')');
            if (close > 0) {
                return new FileRef(path.substring(1, close), path.substring(close + 1));
            }
        }
        String root = vars.get("root");
        if (root != null && root.startsWith("(") && root.endsWith(")")) {
            root = root.substring(1, root.length() - 1);
        }
        return new FileRef(root == null || root.isEmpty() ? null : root, path);
    }

    private static void flatten(List<Item> items, String prefix, List<ConfigEntry> flat) {
        for (Item i : items) {
            if (i.children() != null) {
                flatten(i.children(), prefix + i.title() + ">", flat);
            } else if (i.entry() != null) {
                ConfigEntry e = i.entry();
                flat.add(prefix.isEmpty() ? e : new ConfigEntry(prefix + e.title(), e.id(), e.kernel(), e.initrds(),
                        e.cmdline()));
            }
        }
    }

    /** The flat index of the entry {@code spec} names ({@code 2}, {@code 1>2}, a title, an id); 0 if none. */
    private static int defaultIndex(List<Item> items, String spec, List<ConfigEntry> flat) {
        List<Item> level = items;
        Item found = null;
        for (String part : spec.split(">")) {
            if (level == null) {
                return 0;
            }
            found = pick(level, part.strip());
            if (found == null) {
                return 0;
            }
            level = found.children();
        }
        if (found == null || found.entry() == null) {
            return 0;
        }
        for (int i = 0; i < flat.size(); i++) {
            if (flat.get(i).id().equals(found.entry().id()) && flat.get(i).kernel() == found.entry().kernel()) {
                return i;
            }
        }
        return 0;
    }

    private static Item pick(List<Item> level, String part) {
        if (part.matches("\\d{1,9}")) {
            int n = Integer.parseInt(part);
            return n < level.size() ? level.get(n) : null;
        }
        for (Item i : level) {
            if (i.title().equals(part) || i.id().equals(part)) {
                return i;
            }
        }
        return null;
    }
}
