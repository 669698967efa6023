"""The member's delivery address, from checkout's address book (owned by the checkout app)."""

try:
    from tenant_apps.checkout.interface import member_address
except ImportError:  # INTERIM until branch `pricing` is merged: any positive id, a fixed address
    from types import SimpleNamespace

    def member_address(*, member, address_id):
        if not address_id or address_id < 0:
            return None
        return SimpleNamespace(
            id=address_id, name="张三", phone="13800138000", province="浙江省", city="杭州市", district="西湖区",
            line1="文三路 1 号", postal_code="310000",
        )  # fmt: skip
