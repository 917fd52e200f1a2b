package org.tiaokuai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link LibTiaokuai} against {@code bindings-c/include/tiaokuai.h}: the same functions, and for each the
 * same number of arguments with a JNA type of the right size and kind for every argument and the result,
 * so the Java declarations never drift from the C API.
 */
class HeaderTest {
    /** A C function declaration: its return type and argument types, whitespace normalised. */
    record CFunction(String returns, List<String> args) {}

    /** What each C type of the header is declared as in Java (JNA). */
    static String javaType(String c, boolean result) {
        String t = c.replaceAll("\\s+", " ").trim();
        if (t.matches("(const )?struct tiaokuai_\\w+ \\*\\*") || t.equals("char **") || t.equals("uint8_t **")) {
            return PointerByReference.class.getName();
        }
        if (t.matches("enum tiaokuai_\\w+ \\*")) {
            return IntByReference.class.getName();
        }
        if (t.matches("enum tiaokuai_\\w+") || t.equals("int") || t.equals("int32_t") || t.equals("uint32_t")) {
            return "int";
        }
        if (t.equals("const char *") && !result) {
            return "[B"; // UTF-8 text in, with its length
        }
        if (t.equals("const uint8_t *") && !result) {
            return "[B"; // bytes in (a model image), with their length
        }
        if (t.matches("(const )?struct tiaokuai_\\w+ \\*") || t.matches("(const )?char \\*") || t.equals("size_t *")
                || t.equals("uint8_t *")) {
            return Pointer.class.getName();
        }
        return switch (t) {
            case "size_t" -> SizeT.class.getName();
            case "uint64_t", "int64_t" -> "long";
            case "bool" -> "byte"; // one byte in C
            case "void" -> "void";
            default -> throw new AssertionError("HeaderTest has no Java type for the C type `" + t + "`: add it");
        };
    }

    /** Every function the header declares, by name. */
    static Map<String, CFunction> headerFunctions() throws IOException {
        String text = Files.readString(Fixtures.root().resolve("bindings-c/include/tiaokuai.h"),
                StandardCharsets.UTF_8);
        text = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("(?m)^#.*$", " ");
        Map<String, CFunction> out = new TreeMap<>();
        Matcher m = Pattern.compile("([A-Za-z_][\\w\\s\\*]*?)\\b(tiaokuai_\\w+)\\s*\\(([^()]*)\\)\\s*;").matcher(text);
        while (m.find()) {
            List<String> args = new ArrayList<>();
            String list = m.group(3).trim();
            if (!list.equals("void")) {
                for (String a : list.split(",")) {
                    // Drop the parameter's name: what follows the last space or star.
                    String arg = a.trim().replaceAll("\\s+", " ");
                    args.add(arg.replaceAll("\\s*\\b\\w+$", "").replace(" *", " *").trim());
                }
            }
            out.put(m.group(2), new CFunction(m.group(1).trim().replaceAll("\\s+", " "), args));
        }
        return out;
    }

    @Test
    void theInterfaceDeclaresEveryFunctionOfTheHeaderWithItsTypes() throws IOException {
        Map<String, CFunction> header = headerFunctions();
        assertTrue(header.size() >= 60, "parsed only " + header.size() + " functions from tiaokuai.h");
        Map<String, Method> java = new TreeMap<>();
        for (Method method : LibTiaokuai.class.getDeclaredMethods()) {
            if (!Modifier.isStatic(method.getModifiers())) {
                java.put(method.getName(), method);
            }
        }
        List<String> problems = new ArrayList<>();
        for (var e : header.entrySet()) {
            Method method = java.get(e.getKey());
            if (method == null) {
                problems.add(e.getKey() + ": in tiaokuai.h, not in LibTiaokuai");
                continue;
            }
            CFunction c = e.getValue();
            String ret = javaType(c.returns(), true);
            if (!method.getReturnType().getName().equals(ret)) {
                problems.add(e.getKey() + ": returns " + method.getReturnType().getName() + ", the header `"
                        + c.returns() + "` (" + ret + ")");
            }
            Class<?>[] params = method.getParameterTypes();
            if (params.length != c.args().size()) {
                problems.add(e.getKey() + ": " + params.length + " arguments, the header " + c.args().size());
                continue;
            }
            for (int i = 0; i < params.length; i++) {
                String want = javaType(c.args().get(i), false);
                if (!params[i].getName().equals(want)) {
                    problems.add(e.getKey() + ": argument " + (i + 1) + " is " + params[i].getName()
                            + ", the header `" + c.args().get(i) + "` (" + want + ")");
                }
            }
        }
        for (String name : java.keySet()) {
            if (!header.containsKey(name)) {
                problems.add(name + ": in LibTiaokuai, not in tiaokuai.h");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theMappingTellsTypesApart() {
        // The check above is only as good as this mapping: a handle is not an out-handle, text in is not out.
        assertEquals("[B", javaType("const char *", false));
        assertEquals(Pointer.class.getName(), javaType("const char *", true));
        assertEquals(PointerByReference.class.getName(), javaType("struct tiaokuai_model **", false));
        assertEquals(Pointer.class.getName(), javaType("const struct tiaokuai_model *", false));
        assertEquals(SizeT.class.getName(), javaType("size_t", false));
        assertEquals("byte", javaType("bool", true));
        assertEquals("[B", javaType("const uint8_t *", false));
        assertEquals(PointerByReference.class.getName(), javaType("uint8_t **", false));
        assertEquals(Pointer.class.getName(), javaType("uint8_t *", false));
    }
}
