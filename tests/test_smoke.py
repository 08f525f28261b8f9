from handlers.core.messages import Role
from handlers.core.registry import build_router
from tests.conftest import add_member, text_message


def test_help_menu_lists_routes(services):
    add_member(services, "u1", Role.LEADER)
    router = build_router()
    result = router.dispatch(text_message("u1", "帮助"), services)
    assert result.handler == "help"
    assert "协会助手" in result.replies[0].text
