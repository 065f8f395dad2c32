"""Payment providers behind one interface (`base.PaymentProvider`), one module per provider."""
