package org.tiaokuai;

import java.nio.file.Path;

/** Shared test data: the small model of the C tests, and the repository's files. */
final class Fixtures {
    private Fixtures() {}

    /** A city, a district and a street with their Party committees, one matter, one need: 3/3/1/1 records, 7 links. */
    static final String FIXTURE = """
            {"format": "tiaokuai/1",
             "territories": [{"id": "c", "name": "上海市", "kind": "city"},
                             {"id": "d", "name": "宝山区", "kind": "district", "parent": "c"},
                             {"id": "s", "name": "友谊路街道", "kind": "street", "parent": "d"}],
             "units": [{"id": "sw", "name": "中共上海市委", "kind": "party_committee", "sector": "party"},
                       {"id": "qw", "name": "中共宝山区委", "kind": "party_committee", "sector": "party"},
                       {"id": "gw", "name": "友谊路街道党工委", "kind": "party_working_committee", "sector": "party"}],
             "matters": [{"id": "m", "name": "违法建筑治理", "list": "basic"}],
             "items": [{"id": "n", "name": "老年助餐", "list": "need"}],
             "links": [{"from": "sw", "to": "c", "kind": "jurisdiction"},
                       {"from": "qw", "to": "d", "kind": "jurisdiction"},
                       {"from": "gw", "to": "s", "kind": "jurisdiction"},
                       {"from": "sw", "to": "qw", "kind": "leads"},
                       {"from": "qw", "to": "gw", "kind": "leads"},
                       {"from": "gw", "to": "m", "kind": "responsible", "role": "lead"},
                       {"from": "qw", "to": "n", "kind": "raises"}]}
            """;

    /** A private enterprise with 5 Party members and no Party organisation, in a street nobody holds. */
    static final String ACME = """
            {"format": "tiaokuai/1",
             "territories": [{"id": "s", "name": "Street", "kind": "street"}],
             "units": [{"id": "acme", "name": "Acme", "kind": "enterprise", "sector": "private",
                        "members": 5, "located_in": "s"}]}
            """;

    /** The repository's root (set by the pom). */
    static Path root() {
        return Path.of(System.getProperty("tiaokuai.root", "..")).toAbsolutePath().normalize();
    }

    static Path sample() {
        return root().resolve("data/samples/baoshan.json");
    }

    static Path scenarios() {
        return root().resolve("tests/scenarios");
    }
}
