/* A small model shared by the C tests: a city, a district and a street, their
 * Party committees leading each other, one matter led by the street and one need.
 * 3 territories, 3 units, 1 matter, 1 item, 7 links. */
#ifndef TIAOKUAI_FIXTURE_H
#define TIAOKUAI_FIXTURE_H

static const char FIXTURE[] =
    "{\"format\": \"tiaokuai/1\",\n"
    " \"territories\": [{\"id\": \"c\", \"name\": \"上海市\", \"kind\": \"city\"},\n"
    "                 {\"id\": \"d\", \"name\": \"宝山区\", \"kind\": \"district\", \"parent\": \"c\"},\n"
    "                 {\"id\": \"s\", \"name\": \"友谊路街道\", \"kind\": \"street\", \"parent\": \"d\"}],\n"
    " \"units\": [{\"id\": \"sw\", \"name\": \"中共上海市委\", \"kind\": \"party_committee\", \"sector\": \"party\"},\n"
    "           {\"id\": \"qw\", \"name\": \"中共宝山区委\", \"kind\": \"party_committee\", \"sector\": \"party\"},\n"
    "           {\"id\": \"gw\", \"name\": \"友谊路街道党工委\", \"kind\": \"party_working_committee\", \"sector\": \"party\"}],\n"
    " \"matters\": [{\"id\": \"m\", \"name\": \"违法建筑治理\", \"list\": \"basic\"}],\n"
    " \"items\": [{\"id\": \"n\", \"name\": \"老年助餐\", \"list\": \"need\"}],\n"
    " \"links\": [{\"from\": \"sw\", \"to\": \"c\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"qw\", \"to\": \"d\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"gw\", \"to\": \"s\", \"kind\": \"jurisdiction\"},\n"
    "           {\"from\": \"sw\", \"to\": \"qw\", \"kind\": \"leads\"},\n"
    "           {\"from\": \"qw\", \"to\": \"gw\", \"kind\": \"leads\"},\n"
    "           {\"from\": \"gw\", \"to\": \"m\", \"kind\": \"responsible\", \"role\": \"lead\"},\n"
    "           {\"from\": \"qw\", \"to\": \"n\", \"kind\": \"raises\"}]}\n";

#endif
